//! `/admin/stats`: the dashboard's figures for server administrators, a point per hour
//! for 24 hours or per day for 30 days; a range it does not know is a 400 that says
//! which it knows, and other roles are refused.

use axum::http::{Method, StatusCode};
use chrono::{DateTime, Utc};
use osprey_core::Role;

use crate::support::*;

#[tokio::test]
async fn the_figures_come_in_hours_or_days_ending_now() {
    let t = TestApp::new().await;
    let admin = t.token(ADMIN).await;
    for (range, points, step) in [
        ("", 24, 3600),
        ("?range=24h", 24, 3600),
        ("?range=30d", 30, 86_400),
    ] {
        let body = t
            .call(
                Method::GET,
                &format!("/api/v1/admin/stats{range}"),
                Some(&admin),
                None,
            )
            .await
            .expect(StatusCode::OK)
            .body;
        let list = body["points"].as_array().unwrap();
        assert_eq!(
            (list.len(), body["step_seconds"].as_i64()),
            (points, Some(step)),
            "{range}"
        );
        let last: DateTime<Utc> = list[points - 1]["start"].as_str().unwrap().parse().unwrap();
        let now = Utc::now().timestamp();
        assert!(
            last.timestamp() <= now && now < last.timestamp() + step,
            "{range}: {last}"
        );
        assert_eq!(body["storage"][0]["domain"], "example.com");
    }
    let reply = t
        .call(
            Method::GET,
            "/api/v1/admin/stats?range=7d",
            Some(&admin),
            None,
        )
        .await
        .expect(StatusCode::BAD_REQUEST);
    assert!(
        reply.body["detail"]
            .as_str()
            .unwrap()
            .contains("24h or 30d"),
        "{}",
        reply.body
    );
}

#[tokio::test]
async fn only_server_administrators_read_them() {
    let t = TestApp::new().await;
    t.add_account("boss@example.com", Role::DomainAdmin, &["example.com"])
        .await;
    let domain_admin = t.token("boss@example.com").await;
    t.call(
        Method::GET,
        "/api/v1/admin/stats",
        Some(&domain_admin),
        None,
    )
    .await
    .expect(StatusCode::FORBIDDEN);
}
