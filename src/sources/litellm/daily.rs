//! LiteLLM's daily aggregate tables (`LiteLLM_DailyUserSpend`,
//! `..DailyTeamSpend`, `..DailyOrganizationSpend`, `..DailyEndUserSpend`,
//! `..DailyAgentSpend`; docs/sources.md) exported as CSV: one aggregated
//! row per day, owner, key, model and provider, with `api_requests`.
//!
//! Tokens as in the per-request table: `prompt_tokens` is cache-inclusive
//! (the proxy adds each request's `prompt_tokens` and, separately, its
//! `usage_object` cache counts), so `cache_read_input_tokens` and
//! `cache_creation_input_tokens` are subtracted.
//!
//! `LiteLLM_DailyTagSpend` is refused: a request with several tags is
//! counted once per tag, so its rows overlap and cannot be summed.

use crate::parse::collect::{count_of, Collected, Count, Slot};

use crate::parse::csv_row::csv_row_fits;
use crate::parse::csv_row::CsvRow;
use crate::parse::scalar::Scalar;
use crate::parse::sink::Sink;
use crate::parse::Framing;
use crate::record::{Field, Reason, Tokens};
use crate::sources::contract::Parser;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Col {
    Date,
    Team,
    User,
    EndUser,
    Organization,
    ApiKey,
    Model,
    ModelGroup,
    Provider,
    Endpoint,
    Prompt,
    Completion,
    CacheRead,
    CacheCreation,
    Spend,
    Requests,
}

fn column(name: &str) -> Option<Col> {
    Some(match name {
        "date" => Col::Date,
        "team_id" => Col::Team,
        "user_id" => Col::User,
        "end_user_id" => Col::EndUser,
        "organization_id" => Col::Organization,
        "api_key" => Col::ApiKey,
        "model" => Col::Model,
        "model_group" => Col::ModelGroup,
        "custom_llm_provider" => Col::Provider,
        "endpoint" => Col::Endpoint,
        "prompt_tokens" => Col::Prompt,
        "completion_tokens" => Col::Completion,
        "cache_read_input_tokens" => Col::CacheRead,
        "cache_creation_input_tokens" => Col::CacheCreation,
        "spend" => Col::Spend,
        "api_requests" => Col::Requests,
        _ => return None,
    })
}

/// What a CSV header says about the daily tables.
pub(super) enum DailyHeader {
    /// A daily table other than tags: its columns.
    Table(Vec<Option<Col>>),
    /// The tag table, whose rows overlap.
    Tags,
}

/// Recognises a daily-table header: `date` + `api_requests` + `spend` and
/// an owner column.
pub(super) fn header(names: &[&str]) -> Option<DailyHeader> {
    let has = |n: &str| names.contains(&n);
    if !(has("date") && has("api_requests") && has("spend")) {
        return None;
    }
    if has("tag") {
        return Some(DailyHeader::Tags);
    }
    let owner = [
        "team_id",
        "user_id",
        "end_user_id",
        "organization_id",
        "agent_id",
    ]
    .iter()
    .any(|o| has(o));
    owner.then(|| DailyHeader::Table(names.iter().map(|n| column(n)).collect()))
}

/// A daily aggregate table export.
pub(super) struct LitellmDailyCsv {
    pub(super) columns: Vec<Option<Col>>,
}

fn text_slot(col: Col) -> Option<(Slot, u8, &'static str)> {
    let t = Slot::Text;
    Some(match col {
        Col::Date => (Slot::Time, 0, "date"),
        Col::Team => (t(Field::Team), 0, "team_id"),
        Col::User => (t(Field::User), 0, "user_id"),
        Col::EndUser => (t(Field::Customer), 0, "end_user_id"),
        Col::Organization => (t(Field::Project), 0, "organization_id"),
        Col::ApiKey => (t(Field::ApiKey), 0, "api_key"),
        Col::Model => (t(Field::Model), 0, "model"),
        Col::ModelGroup => (t(Field::Model), 1, "model_group"),
        Col::Provider => (t(Field::Provider), 0, "custom_llm_provider"),
        Col::Endpoint => (t(Field::Route), 0, "endpoint"),
        Col::Spend => (Slot::Cost, 0, "spend"),
        Col::Requests => (Slot::Count(Count::Requests), 0, "api_requests"),
        _ => return None,
    })
}

impl Parser for LitellmDailyCsv {
    fn framing(&self) -> Framing {
        Framing::Csv
    }

    fn parse_csv(&self, record: &CsvRow<'_>, sink: &mut dyn Sink) {
        if !csv_row_fits(record, self.columns.len(), sink) {
            return;
        }
        let mut out = Collected::default();
        // prompt, completion, cache read, cache creation
        let mut counts: [Option<u64>; 4] = [None; 4];
        for (cell, col) in record.iter().zip(&self.columns) {
            let Some(col) = *col else { continue };
            let Ok(text) = std::str::from_utf8(cell) else {
                return sink.malformed(Reason::InvalidUtf8);
            };
            let (i, name) = match col {
                Col::Prompt => (0, "prompt_tokens"),
                Col::Completion => (1, "completion_tokens"),
                Col::CacheRead => (2, "cache_read_input_tokens"),
                Col::CacheCreation => (3, "cache_creation_input_tokens"),
                _ => {
                    if let Some((slot, prio, name)) = text_slot(col) {
                        out.offer(slot, prio, Scalar::Str(text.into()), name);
                    }
                    continue;
                }
            };
            if text.trim().is_empty() {
                continue;
            }
            match count_of(name, Scalar::Str(text.into())) {
                Ok(v) => counts[i] = Some(v),
                Err(reason) => return sink.malformed(reason),
            }
        }
        if counts.iter().any(Option::is_some) {
            let [prompt, output, read, write] = counts.map(Option::unwrap_or_default);
            out.usage = Some(
                prompt
                    .checked_sub(read)
                    .and_then(|v| v.checked_sub(write))
                    .ok_or(Reason::CachedExceedsInput)
                    .map(|input| Tokens {
                        input,
                        output,
                        cache_read: read,
                        cache_write: write,
                        cache_write_1h: 0,
                    }),
            );
        }
        sink.outcome(out.finish(super::wire::NAME))
    }
}
