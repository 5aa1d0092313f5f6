//! A request handler guarded by `billctl::ops::verifier::Verifier`, as an API service would embed it.
//!
//! ```sh
//! cargo run --example verify_guard -- /path/to/data-dir < requests.txt
//! ```
//!
//! Each stdin line stands for one request: the value of its `Authorization` header
//! (`Bearer bk_test_...`). The handler answers 200 with the customer's remaining quota, 401 for
//! a bad, revoked or expired key, 402 without an active subscription, and 429 when the rate
//! limit or the quota is exhausted. Usage of accepted calls is recorded as each is verified.

use billctl::domain::keys::Code;

use billctl::ops::verifier::{Verification, Verifier};
use std::io::BufRead;

/// What the service would send back.
struct Response {
    status: u16,
    body: String,
}

/// The guard in front of the real work.
fn handle(verifier: &mut Verifier, authorization: &str) -> Response {
    let key = authorization.strip_prefix("Bearer ").unwrap_or("").trim();
    let v: Verification = verifier.verify_and_record(key, 1);
    // 200 valid; 401 a key that is not (or no longer) good; 402 a subscription that does not
    // pay for access; 429 over the rate limit or quota; 503 when the store cannot say.
    let status = v.code.http_status();
    let body = match (&v.code, &v.quota) {
        (Code::Valid, Some(q)) => format!(
            "ok: tier {}, {} calls left this period",
            v.tier.as_deref().unwrap_or("?"),
            q.remaining.map_or("unlimited".into(), |r| r.to_string())
        ),
        (code, _) => format!("refused: {}", code.as_str()),
    };
    Response { status, body }
}

fn main() -> anyhow::Result<()> {
    let data_dir = std::env::args()
        .nth(1)
        .map(std::path::PathBuf::from)
        .ok_or_else(|| anyhow::anyhow!("usage: verify_guard DATA_DIR < requests"))?;
    let config = billctl::domain::config::load(billctl::domain::config::locate(None).as_deref())?;
    let mut verifier = Verifier::open(&data_dir, &config)?;
    for line in std::io::stdin().lock().lines() {
        let r = handle(&mut verifier, &line?);
        // Never log the key itself: the status and body are enough.
        println!("{} {}", r.status, r.body);
    }
    Ok(())
}
