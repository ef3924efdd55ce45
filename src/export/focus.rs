//! FOCUS 1.2 CostAndUsage rows from charges: the column list, the value of
//! each column (docs/focus.md, "Columns"), the provider table and the row
//! order. The writers (`focus_csv`, `parquet`) only format [`Cell`]s.

use super::table::{Cell, Column, Dec, Kind, Table};
use crate::price::card::{Rate, RateCard};
use crate::sink::charges::{charge_cost, month_start, next_month, ChargeKey, Charges, Period};

/// The FOCUS columns, alphabetically, then the `x_` columns.
pub const COLUMNS: [Column; 46] = {
    use Kind::*;
    [
        Column::new("BilledCost", Decimal, false),
        Column::new("BillingAccountId", Text, false),
        Column::new("BillingAccountName", Text, false),
        Column::new("BillingCurrency", Text, false),
        Column::new("BillingPeriodEnd", Time, false),
        Column::new("BillingPeriodStart", Time, false),
        Column::new("ChargeCategory", Text, false),
        Column::new("ChargeClass", Text, true),
        Column::new("ChargeDescription", Text, false),
        Column::new("ChargeFrequency", Text, false),
        Column::new("ChargePeriodEnd", Time, false),
        Column::new("ChargePeriodStart", Time, false),
        Column::new("CommitmentDiscountStatus", Text, true),
        Column::new("ConsumedQuantity", Decimal, false),
        Column::new("ConsumedUnit", Text, false),
        Column::new("ContractedCost", Decimal, false),
        Column::new("ContractedUnitPrice", Decimal, false),
        Column::new("EffectiveCost", Decimal, false),
        Column::new("InvoiceId", Text, true),
        Column::new("InvoiceIssuerName", Text, false),
        Column::new("ListCost", Decimal, false),
        Column::new("ListUnitPrice", Decimal, false),
        Column::new("PricingCategory", Text, false),
        Column::new("PricingCurrency", Text, false),
        Column::new("PricingCurrencyContractedUnitPrice", Decimal, false),
        Column::new("PricingCurrencyEffectiveCost", Decimal, false),
        Column::new("PricingCurrencyListUnitPrice", Decimal, false),
        Column::new("PricingQuantity", Decimal, false),
        Column::new("PricingUnit", Text, false),
        Column::new("ProviderName", Text, false),
        Column::new("PublisherName", Text, false),
        Column::new("ServiceCategory", Text, false),
        Column::new("ServiceName", Text, false),
        Column::new("ServiceSubcategory", Text, false),
        Column::new("SkuId", Text, false),
        Column::new("SkuMeter", Text, false),
        Column::new("SkuPriceDetails", Text, false),
        Column::new("SkuPriceId", Text, false),
        Column::new("SubAccountId", Text, true),
        Column::new("SubAccountName", Text, true),
        Column::new("Tags", Text, true),
        Column::new("x_Provider", Text, false),
        Column::new("x_Model", Text, false),
        Column::new("x_TokenType", Text, false),
        Column::new("x_ServiceTier", Text, false),
        Column::new("x_RatePattern", Text, false),
    ]
};

/// Who sells a provider's API, and the service's name (docs/focus.md,
/// "Providers"). An unknown provider id is written as it is.
pub fn provider_names(provider: &str) -> (&str, &str) {
    match provider {
        "openai" => ("OpenAI", "OpenAI API"),
        "anthropic" => ("Anthropic", "Claude API"),
        "bedrock" => ("Amazon Web Services", "Amazon Bedrock"),
        "azure" => ("Microsoft", "Azure OpenAI"),
        "google" => ("Google", "Gemini API"),
        other => (other, other),
    }
}

/// Who made the model: the provider for a direct API; on a platform
/// (Bedrock, Azure, ...) the maker named by the model id's vendor prefix
/// (`anthropic.`, `meta.`) or its family, else the platform.
pub fn publisher<'a>(provider: &'a str, model: &str) -> &'a str {
    let (name, _) = provider_names(provider);
    if matches!(provider, "openai" | "anthropic" | "google") {
        return name;
    }
    let m = model.to_ascii_lowercase();
    let m = crate::price::card::names::drop_profile(&m).unwrap_or(&m);
    let vendor = m.split_once('.').map(|(v, _)| v);
    let maker = match vendor {
        Some("anthropic") => "Anthropic",
        Some("meta") => "Meta",
        Some("amazon") => "Amazon Web Services",
        Some("mistral") => "Mistral AI",
        Some("cohere") => "Cohere",
        Some("ai21") => "AI21 Labs",
        Some("deepseek") => "DeepSeek",
        Some("openai") => "OpenAI",
        _ => match crate::price::infer_provider(m).as_deref() {
            Some("openai") => "OpenAI",
            Some("anthropic") => "Anthropic",
            Some("google") => "Google",
            _ => return name,
        },
    };
    maker
}

/// `SkuPriceId`: the SkuId, the row's tier, its first day if dated, and
/// its long-context threshold.
fn sku_price_id(sku: &str, rate: &Rate) -> String {
    let mut id = format!("{sku}/{}", rate.tier.as_deref().unwrap_or("standard"));
    if let Some(from) = rate.from {
        id.push_str(&format!("/from-{}", crate::time::format_day(from)));
    }
    if let Some(above) = rate.above {
        id.push_str(&format!("/above-{above}"));
    }
    id
}

/// `SkuPriceDetails`: a JSON object; keys FOCUS does not define are `x_`.
fn sku_price_details(key: &ChargeKey, rate: &Rate) -> String {
    let s = |v: &str| serde_json::to_string(v).unwrap_or_default();
    let mut out = format!(
        "{{\"x_TokenType\":{},\"x_ServiceTier\":{}",
        s(key.token.name()),
        s(rate.tier.as_deref().unwrap_or("standard"))
    );
    if let Some(above) = rate.above {
        out.push_str(&format!(",\"x_AboveInputTokens\":{above}"));
    }
    out.push('}');
    out
}

/// `Tags`: the present `--tags` values as a JSON object with sorted keys,
/// values exactly as read; `None` when none is present.
pub fn tags_json(names: &[&str], values: &[Option<String>]) -> Option<String> {
    let map: std::collections::BTreeMap<&str, &str> = names
        .iter()
        .zip(values)
        .filter_map(|(k, v)| Some((*k, v.as_deref()?)))
        .collect();
    (!map.is_empty()).then(|| serde_json::to_string(&map).unwrap_or_default())
}

/// The FOCUS rows of `charges`, sorted by ChargePeriodStart, provider,
/// model, SkuPriceId, SubAccountId, Tags (then the rest of the row, so the
/// order is total).
pub fn rows(charges: &Charges, card: &RateCard, tag_names: &[&str], period: Period) -> Table {
    let text = |s: &str| Cell::Text(Some(s.to_string()));
    let mut rows: Vec<Vec<Cell>> = Vec::with_capacity(charges.len());
    for (key, &tokens) in charges {
        let rate = &card.rows()[key.rate];
        let (provider_name, service) = provider_names(&key.provider);
        let sku = format!("{}/{}/{}", key.provider, key.model, key.token.name());
        let price = Dec::price(key.token.price(rate));
        let cost = Dec::money(charge_cost(rate, key.token, tokens));
        let quantity = Dec {
            units: tokens,
            scale: 6,
        };
        let end = period.end(key.start);
        let billing_start = month_start(key.start);
        let description = format!(
            "{} {}, {} tier",
            key.model,
            key.token.meter().to_ascii_lowercase(),
            key.tier
        );
        let project = Cell::Text(key.project.clone());
        let row = vec![
            Cell::Dec(cost),
            text(&key.provider),
            text(provider_name),
            text("USD"),
            Cell::Time(next_month(billing_start)),
            Cell::Time(billing_start),
            text("Usage"),
            Cell::Text(None),
            text(&description),
            text("Usage-Based"),
            Cell::Time(end),
            Cell::Time(key.start),
            Cell::Text(None),
            Cell::Dec(Dec {
                units: tokens,
                scale: 0,
            }),
            text("Tokens"),
            Cell::Dec(cost),
            Cell::Dec(price),
            Cell::Dec(cost),
            Cell::Text(None),
            text(provider_name),
            Cell::Dec(cost),
            Cell::Dec(price),
            text("Standard"),
            text("USD"),
            Cell::Dec(price),
            Cell::Dec(cost),
            Cell::Dec(price),
            Cell::Dec(quantity),
            text("1000000 Tokens"),
            text(provider_name),
            text(publisher(&key.provider, &key.model)),
            text("AI and Machine Learning"),
            text(service),
            text("Generative AI"),
            text(&sku),
            text(key.token.meter()),
            text(&sku_price_details(key, rate)),
            text(&sku_price_id(&sku, rate)),
            project.clone(),
            project,
            Cell::Text(tags_json(tag_names, &key.tags)),
            text(&key.provider),
            text(&key.model),
            text(key.token.name()),
            text(&key.tier),
            text(&rate.model),
        ];
        debug_assert_eq!(row.len(), COLUMNS.len());
        rows.push(row);
    }
    let at = |name: &str| COLUMNS.iter().position(|c| c.name == name).unwrap_or(0);
    let order = [
        at("ChargePeriodStart"),
        at("x_Provider"),
        at("x_Model"),
        at("SkuPriceId"),
        at("SubAccountId"),
        at("Tags"),
    ];
    rows.sort_by(|a, b| {
        order
            .iter()
            .map(|&i| a[i].cmp(&b[i]))
            .find(|o| o.is_ne())
            .unwrap_or_else(|| a.cmp(b))
    });
    Table {
        columns: &COLUMNS,
        rows,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_focus_alphabetically_then_x() {
        let names: Vec<&str> = COLUMNS.iter().map(|c| c.name).collect();
        let focus: Vec<&str> = names
            .iter()
            .copied()
            .take_while(|n| !n.starts_with("x_"))
            .collect();
        let mut sorted = focus.clone();
        sorted.sort_unstable();
        assert_eq!(focus, sorted);
        assert!(names[focus.len()..].iter().all(|n| n.starts_with("x_")));
        assert_eq!(
            &names[focus.len()..],
            [
                "x_Provider",
                "x_Model",
                "x_TokenType",
                "x_ServiceTier",
                "x_RatePattern"
            ]
        );
    }

    #[test]
    fn publishers_are_the_model_makers_on_platforms() {
        assert_eq!(
            publisher("bedrock", "us.anthropic.claude-sonnet-4-5-20250929-v1:0"),
            "Anthropic"
        );
        assert_eq!(
            publisher("bedrock", "meta.llama3-70b-instruct-v1:0"),
            "Meta"
        );
        assert_eq!(publisher("azure", "gpt-4o"), "OpenAI");
        assert_eq!(publisher("openai", "gpt-4o"), "OpenAI");
        assert_eq!(publisher("acme", "thing"), "acme");
        assert_eq!(
            provider_names("bedrock"),
            ("Amazon Web Services", "Amazon Bedrock")
        );
    }

    #[test]
    fn tags_are_sorted_json_without_missing_keys() {
        let names = ["team", "cost_center", "service"];
        let v = |s: &str| Some(s.to_string());
        assert_eq!(
            tags_json(&names, &[v("search"), None, v("=HYPERLINK(\"x\")")]).as_deref(),
            Some(r#"{"service":"=HYPERLINK(\"x\")","team":"search"}"#)
        );
        assert_eq!(tags_json(&names, &[None, None, None]), None);
    }
}
