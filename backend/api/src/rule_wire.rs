//! Delivery rules between their wire form (`osprey_api_types::DeliveryRule`, rows the
//! web app edits) and the rule model (`osprey_rules`). The two spell each condition and
//! action with the same member names, so a row is read by the model's own
//! deserialisation; what a row's kind does not use is refused, naming the row.

use osprey_api_types::{DeliveryRule, FieldError, RuleMatch, VacationAnswer};
use osprey_rules::{Action, Condition, MatchMode, Rule, RuleSet, Vacation};
use serde_json::Value;

use crate::error::ApiError;

/// The model of rules sent by a client; every row that does not read is named.
pub fn to_model(rules: Vec<DeliveryRule>) -> Result<RuleSet, ApiError> {
    let mut errors = Vec::new();
    let mut out = Vec::with_capacity(rules.len());
    for (i, r) in rules.into_iter().enumerate() {
        let mut rule = Rule::new(r.name, Vec::new(), Vec::new());
        rule.enabled = r.enabled;
        rule.stop = r.stop;
        rule.match_mode = match r.match_mode {
            RuleMatch::All => MatchMode::All,
            RuleMatch::Any => MatchMode::Any,
        };
        for (j, c) in r.conditions.iter().enumerate() {
            match read_row::<Condition>(to_value(c), "field") {
                Ok(c) => rule.conditions.push(c),
                Err(message) => errors.push(FieldError {
                    field: format!("rules[{i}].conditions[{j}]"),
                    message,
                }),
            }
        }
        for (j, a) in r.actions.iter().enumerate() {
            match action(to_value(a)) {
                Ok(a) => rule.actions.push(a),
                Err(message) => errors.push(FieldError {
                    field: format!("rules[{i}].actions[{j}]"),
                    message,
                }),
            }
        }
        out.push(rule);
    }
    if errors.is_empty() {
        Ok(RuleSet::new(out))
    } else {
        Err(ApiError::Validation(errors))
    }
}

/// The wire form of stored rules.
pub fn to_wire(set: &RuleSet) -> Result<Vec<DeliveryRule>, ApiError> {
    set.rules
        .iter()
        .map(|r| {
            let mut v = to_value(r);
            for a in v["actions"].as_array_mut().into_iter().flatten() {
                if a["type"] == "redirect" {
                    a["to"] = Value::Array(vec![a["to"].take()]);
                }
            }
            serde_json::from_value(v)
                .map_err(|e| ApiError::Internal(format!("a stored rule has no wire form: {e}")))
        })
        .collect()
}

/// The model's vacation answer of the wire form.
pub fn vacation_to_model(v: VacationAnswer) -> Vacation {
    let mut out = Vacation::new(v.body);
    out.subject = v.subject;
    out.from = v.from;
    out.start = v.start;
    out.end = v.end;
    if let Some(days) = v.days {
        out.days = days;
    }
    out.addresses = v.addresses;
    out
}

/// The wire form of a vacation answer.
pub fn vacation_to_wire(v: Vacation) -> VacationAnswer {
    VacationAnswer {
        body: v.body,
        subject: v.subject,
        from: v.from,
        start: v.start,
        end: v.end,
        days: Some(v.days),
        addresses: v.addresses,
    }
}

fn to_value(v: &impl serde::Serialize) -> Value {
    serde_json::to_value(v).expect("rules serialise to JSON")
}

/// An action row: `redirect` names its one address in `to`.
fn action(mut v: Value) -> Result<Action, String> {
    if v["type"] == "redirect" {
        match v["to"].as_array().map(Vec::as_slice) {
            Some([one]) => v["to"] = one.clone(),
            _ => return Err("redirect takes exactly one address in `to`".into()),
        }
    }
    read_row::<Action>(v, "type")
}

/// Reads a row as the model's `T` (tagged by `tag`), refusing members its kind does
/// not use: those the model, written back, does not have.
fn read_row<T: serde::de::DeserializeOwned + serde::Serialize>(
    v: Value,
    tag: &str,
) -> Result<T, String> {
    let kind = v[tag].as_str().unwrap_or_default().to_owned();
    let model: T = serde_json::from_value(v.clone()).map_err(|e| format!("{kind}: {e}"))?;
    let back = to_value(&model);
    let unused: Vec<&str> = v
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(k, _)| back.get(k.as_str()).is_none())
        .map(|(k, _)| k.as_str())
        .collect();
    if !unused.is_empty() {
        return Err(format!("{kind} does not use {}", unused.join(", ")));
    }
    Ok(model)
}
