//! Copies of named schemas become references to them.
//!
//! utoipa writes the argument of a generic schema inline: `Page_Account.items` held a
//! copy of `Account`, so generated clients got two classes for one type. A schema equal
//! to a named one, anywhere but at that name's own top level, is replaced by a `$ref`.

use serde_json::{Value, json};

/// Replaces, in the component schemas and the paths, every schema that equals a named
/// component schema by a reference to it.
pub fn reference_copies(doc: &mut Value) {
    let named: Vec<(String, Value)> = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default();
    if let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    {
        for schema in schemas.values_mut() {
            replace_below(schema, &named);
        }
    }
    if let Some(paths) = doc.get_mut("paths") {
        replace_below(paths, &named);
    }
}

/// Replaces copies among the values under `value` (not `value` itself).
fn replace_below(value: &mut Value, named: &[(String, Value)]) {
    let children: Box<dyn Iterator<Item = &mut Value>> = match value {
        Value::Object(map) => Box::new(map.values_mut()),
        Value::Array(items) => Box::new(items.iter_mut()),
        _ => return,
    };
    for child in children {
        // Only schemas are candidates: they carry a `type`.
        let copy_of = child
            .get("type")
            .and_then(|_| named.iter().find(|(_, schema)| schema == child));
        match copy_of {
            Some((name, _)) => *child = json!({ "$ref": format!("#/components/schemas/{name}") }),
            None => replace_below(child, named),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::reference_copies;

    #[test]
    fn copies_become_references_and_names_stay_definitions() {
        let account = json!({"type": "object", "properties": {"id": {"type": "string"}}});
        let mut doc = json!({
            "paths": {"/a": {"get": {"responses": {"200": {"content": {"application/json": {
                "schema": {"type": "array", "items": account.clone()}}}}}}}},
            "components": {"schemas": {
                "Account": account.clone(),
                "Page_Account": {"type": "object", "properties": {
                    "items": {"type": "array", "items": account.clone()}}}
            }}
        });
        reference_copies(&mut doc);
        let reference = json!({"$ref": "#/components/schemas/Account"});
        assert_eq!(doc["components"]["schemas"]["Account"], account);
        assert_eq!(
            doc["components"]["schemas"]["Page_Account"]["properties"]["items"]["items"],
            reference
        );
        assert_eq!(
            doc["paths"]["/a"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
                ["items"],
            reference
        );
    }
}
