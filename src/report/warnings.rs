//! Accounting warnings: lossy or buggy instrumentations, and prices
//! llmspend could not apply, named with the requests, tokens and files
//! they affect (docs/design.md, Warnings). They are sums like the rest of
//! a partial, so a merge of partials warns as the run over all their
//! files does.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::money::Money;

/// The warnings llmspend gives, in the order they are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Code {
    /// OpenLLMetry Anthropic spans: 5-minute and 1-hour cache writes in
    /// one count, priced as 5-minute.
    CacheWritesMerged,
    /// OpenLLMetry streamed Anthropic spans: output one more than billed,
    /// priced as logged.
    PlusOneOutput,
    /// The same, corrected by `--correct-known-bugs`.
    PlusOneCorrected,
    /// Cache-inclusive input with no cache split: cached input priced as
    /// uncached.
    NoCacheSplit,
    /// Aggregated rows a long-context tier could have repriced.
    LongContextNotTiered,
    /// Audio or image tokens the rate card has no price for.
    UnpricedModality,
}

impl Code {
    /// Every code, in display order.
    pub const ALL: [Code; 6] = [
        Code::CacheWritesMerged,
        Code::PlusOneOutput,
        Code::PlusOneCorrected,
        Code::NoCacheSplit,
        Code::LongContextNotTiered,
        Code::UnpricedModality,
    ];

    /// The code as written in JSON and partials.
    pub fn name(self) -> &'static str {
        match self {
            Code::CacheWritesMerged => "cache_writes_5m_1h_merged",
            Code::PlusOneOutput => "openllmetry_streamed_output_plus_one",
            Code::PlusOneCorrected => "openllmetry_streamed_output_plus_one_corrected",
            Code::NoCacheSplit => "cache_inclusive_input_without_split",
            Code::LongContextNotTiered => "long_context_tier_not_applied",
            Code::UnpricedModality => "unpriced_audio_image_tokens",
        }
    }

    /// The code named `name`.
    pub fn of_name(name: &str) -> Option<Code> {
        Code::ALL.into_iter().find(|c| c.name() == name)
    }
}

/// The sums of one warning.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WarningSums {
    /// Requests affected.
    pub requests: u128,
    /// Tokens affected (which ones: see the message of each code).
    pub tokens: u128,
    /// Pico-dollars: the cost at risk or the correction (per code).
    pub amount: u128,
    /// File ids where it was met, sorted.
    pub files: Vec<u32>,
}

impl WarningSums {
    /// Adds one record.
    pub fn add(&mut self, requests: u64, tokens: u128, amount: u128, file: u32) {
        self.requests += u128::from(requests);
        self.tokens += tokens;
        self.amount += amount;
        if self.files.last() != Some(&file) {
            if let Err(at) = self.files.binary_search(&file) {
                self.files.insert(at, file);
            }
        }
    }

    /// Adds other sums.
    pub fn merge(&mut self, o: WarningSums) {
        self.requests += o.requests;
        self.tokens += o.tokens;
        self.amount += o.amount;
        self.files.extend(o.files);
        self.files.sort_unstable();
        self.files.dedup();
    }

    /// Takes away the sums of duplicates counted before (the files stay).
    pub fn subtract(&mut self, o: &WarningSums) {
        self.requests -= o.requests;
        self.tokens -= o.tokens;
        self.amount -= o.amount;
    }
}

/// The warnings of a run, by code name.
pub type Warnings = BTreeMap<String, WarningSums>;

/// One finished warning, as the outputs show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// Its code.
    pub code: Code,
    /// Requests affected.
    pub requests: u128,
    /// Tokens affected.
    pub tokens: u128,
    /// The cost at risk or the correction.
    pub amount: Money,
    /// The files where it was met, by name, in path order.
    pub files: Vec<String>,
}

impl Warning {
    /// What it means, for people.
    pub fn message(&self) -> String {
        let n = self.requests;
        // Singular or plural, by the request (span) count.
        let pick = |one: &'static str, many: &'static str| if n == 1 { one } else { many };
        let r = thousands(n);
        let usd = self.amount.to_usd_string(6);
        let tokens = |what: &str| {
            let word = if self.tokens == 1 { "token" } else { "tokens" };
            format!("{} {what}{word}", thousands(self.tokens))
        };
        match self.code {
            Code::CacheWritesMerged => format!(
                "{r} OpenLLMetry Anthropic {} 5-minute and 1-hour cache writes as one count ({}), priced as 5-minute; if every write were 1-hour the cost would be ${usd} higher (worst-case under-billing)",
                pick("span gives", "spans give"),
                tokens("")
            ),
            Code::PlusOneOutput => format!(
                "{r} streamed Anthropic {} from an OpenLLMetry version with the +1 output bug {} more than billed (${usd} over-billed); priced as logged, --correct-known-bugs subtracts them",
                pick("span", "spans"),
                format_args!("{} {}", pick("counts", "count"), tokens("output "))
            ),
            Code::PlusOneCorrected => format!(
                "{r} streamed Anthropic {} from an OpenLLMetry version with the +1 output bug: {} subtracted (${usd}) by --correct-known-bugs",
                pick("span", "spans"),
                tokens("output ")
            ),
            Code::NoCacheSplit => format!(
                "{r} {} ({}) {} from a source whose input count includes cached tokens but gives no cache split (e.g. LiteLLM top-level prompt_tokens without metadata.usage_object): any cached input among them is priced as uncached",
                pick("request", "requests"),
                tokens("input "),
                pick("comes", "come")
            ),
            // Aggregated rows whose source gives no request count add 0
            // requests: then the count is unknown, not zero.
            Code::LongContextNotTiered if n == 0 => format!(
                "aggregated rows without a request count (n/a requests, {}) whose input exceeds a long-context threshold were priced at the base rate: ${usd} more if they were long-context requests",
                tokens("")
            ),
            Code::LongContextNotTiered => format!(
                "{r} {} ({}) in aggregated rows whose input exceeds a long-context threshold {} priced at the base rate: ${usd} more if they were long-context requests",
                pick("request", "requests"),
                tokens(""),
                pick("was", "were")
            ),
            Code::UnpricedModality => format!(
                "{r} {} {} audio or image tokens the rate card has no price for: counted, not priced (never as text)",
                pick("request carries", "requests carry"),
                thousands(self.tokens)
            ),
        }
    }
}

fn thousands(n: u128) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The finished warnings of `sums`, in display order; `files` names the
/// file ids.
pub fn finish(sums: &Warnings, files: &[String]) -> Vec<Warning> {
    Code::ALL
        .into_iter()
        .filter_map(|code| {
            let s = sums.get(code.name())?;
            (s.requests > 0 || s.tokens > 0).then(|| Warning {
                code,
                requests: s.requests,
                tokens: s.tokens,
                amount: Money(s.amount),
                files: s
                    .files
                    .iter()
                    .filter_map(|&f| files.get(f as usize).cloned())
                    .collect(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_add_merge_and_name_files() {
        let mut a = WarningSums::default();
        a.add(1, 10, 5, 2);
        a.add(1, 10, 5, 0);
        a.add(1, 10, 5, 2);
        assert_eq!(a.files, [0, 2]);
        let mut b = WarningSums::default();
        b.add(2, 1, 1, 1);
        a.merge(b);
        assert_eq!((a.requests, a.tokens, a.amount), (5, 31, 16));
        assert_eq!(a.files, [0, 1, 2]);
        let mut w = Warnings::new();
        w.insert(Code::NoCacheSplit.name().into(), a);
        let files = ["a".to_string(), "b".into(), "c".into()];
        let done = finish(&w, &files);
        assert_eq!(done[0].files, ["a", "b", "c"]);
        assert!(done[0]
            .message()
            .starts_with("5 requests (31 input tokens)"));
        for c in Code::ALL {
            assert_eq!(Code::of_name(c.name()), Some(c));
        }
    }

    #[test]
    fn messages_agree_in_number_and_say_n_a_for_uncounted_rows() {
        let w = |code, requests| Warning {
            code,
            requests,
            tokens: 1,
            amount: Money(0),
            files: Vec::new(),
        };
        let one = w(Code::NoCacheSplit, 1).message();
        assert!(one.starts_with("1 request (1 input token) comes"), "{one}");
        let none = w(Code::LongContextNotTiered, 0).message();
        assert!(none.contains("(n/a requests, 1 token)"), "{none}");
        assert!(!none.contains("0 requests"), "{none}");
        let two = w(Code::LongContextNotTiered, 2).message();
        assert!(two.starts_with("2 requests (1 token) in"), "{two}");
        let span = w(Code::PlusOneOutput, 1).message();
        assert!(span.contains("1 streamed Anthropic span from"), "{span}");
        assert!(span.contains("bug counts 1 output token more"), "{span}");
    }
}
