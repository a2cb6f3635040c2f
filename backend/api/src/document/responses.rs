//! The responses every operation of a kind has, their descriptions, and the media type of
//! error bodies.

use serde_json::{Map, Value, json};

/// What a status means when the handler does not say more.
fn standard_description(status: &str) -> &'static str {
    match status {
        "200" => "Success",
        "201" => "Created",
        "204" => "Done; no content",
        "400" => {
            "The body or the query could not be read (malformed JSON, a bad parameter or cursor)"
        }
        "401" => "Not signed in, or the token or API key is unknown, expired or revoked",
        "403" => {
            "Signed in, but the role, the domains administered or the API key's scopes do not allow this"
        }
        "404" => "No such resource, or not one the caller may see",
        "409" => "Conflicts with existing data",
        "413" => "The body is larger than the operation takes (1 MiB unless it says more)",
        "415" => "The body is not application/json",
        "422" => "Invalid input: each invalid field is named in `errors`",
        "429" => "Too many attempts; retry after the seconds in Retry-After",
        "503" => "A dependency (the database) is unavailable",
        "5XX" => {
            "A failure on the server's side: the database is unavailable (503) or an internal error (500)"
        }
        _ => "See the status code",
    }
}

const PROBLEM: &str = "#/components/schemas/Problem";

fn problem_response() -> Value {
    json!({ "content": { "application/problem+json": { "schema": { "$ref": PROBLEM } } } })
}

/// Adds the shared extractors' statuses to one operation, fills in descriptions and
/// moves problem bodies to `application/problem+json`.
pub fn complete(op: &mut Value) {
    let secured = op
        .get("security")
        .and_then(Value::as_array)
        .is_some_and(|s| {
            s.iter()
                .any(|r| r.as_object().is_some_and(|r| !r.is_empty()))
        });
    let has_body = op.get("requestBody").is_some();
    let has_query = op
        .get("parameters")
        .and_then(Value::as_array)
        .is_some_and(|ps| ps.iter().any(|p| p["in"] == "query"));
    let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) else {
        return;
    };
    let mut add = |status: &str| {
        responses
            .entry(status.to_owned())
            .or_insert_with(problem_response);
    };
    if secured {
        add("401");
    }
    if has_body {
        for status in ["400", "413", "415", "422"] {
            add(status);
        }
    }
    if has_query {
        add("400");
    }
    // An operation that answers with problems can fail on the server's side too: the
    // database unavailable (503) or a fault of ours (500).
    let answers_problems = responses.values().any(|r| {
        r.pointer("/content/application~1json/schema/$ref")
            .or_else(|| r.pointer("/content/application~1problem+json/schema/$ref"))
            .is_some_and(|s| s == PROBLEM)
    });
    if answers_problems {
        responses
            .entry("5XX".to_owned())
            .or_insert_with(problem_response);
    }
    for (status, response) in responses.iter_mut() {
        let Some(response) = response.as_object_mut() else {
            continue;
        };
        let empty = response
            .get("description")
            .and_then(Value::as_str)
            .is_none_or(str::is_empty);
        if empty {
            response.insert("description".into(), standard_description(status).into());
        }
        if let Some(content) = response.get_mut("content").and_then(Value::as_object_mut) {
            problem_media_type(content);
        }
    }
}

/// A problem document declared as `application/json` is served as
/// `application/problem+json` (RFC 9457).
fn problem_media_type(content: &mut Map<String, Value>) {
    let is_problem = content
        .get("application/json")
        .is_some_and(|m| m["schema"]["$ref"] == PROBLEM);
    if is_problem && let Some(media) = content.remove("application/json") {
        content.insert("application/problem+json".into(), media);
    }
}
