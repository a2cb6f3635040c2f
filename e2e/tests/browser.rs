//! The web app in headless Chromium, driven by Playwright (e2e/browser/admin_flow.mjs):
//! an admin signs in, creates a domain and a user, signs out; the user signs in.

use std::process::Command;

use crate::support::*;

#[tokio::test]
async fn admin_and_user_flow_in_a_real_browser() {
    let root = repo_root();
    assert!(
        root.join("frontend/dist/index.html").is_file(),
        "the web app is not built: run `cargo xtask test` (or `cargo xtask build`) first"
    );
    let browser_dir = root.join("e2e/browser");
    assert!(
        browser_dir.join("node_modules/playwright-core").is_dir(),
        "playwright-core is not installed: run `cargo xtask test` (it runs npm ci in e2e/browser)"
    );
    let s = Server::start(true).await;
    let shots = root
        .join("e2e/output/screenshots")
        .join(osprey_store::testing::backend_name());
    let out = Command::new("node")
        .arg("admin_flow.mjs")
        .current_dir(&browser_dir)
        .env("OSPREY_URL", &s.url)
        .env("OSPREY_ADMIN_USER", Server::admin())
        .env("OSPREY_ADMIN_PASSWORD", ADMIN_PASSWORD)
        .env("OSPREY_SCREENSHOT_DIR", &shots)
        .output()
        .expect("run node");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "browser flow failed\n{stdout}\n{stderr}"
    );
    for page in ["login", "admin-domains", "admin-accounts", "settings"] {
        assert!(
            shots.join(format!("{page}.png")).is_file(),
            "screenshot {page}.png"
        );
    }
}
