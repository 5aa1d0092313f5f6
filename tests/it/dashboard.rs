//! `billctl dashboard` (issue 22): one self-contained page of revenue, subscribers, usage,
//! keys and webhooks. The usage charts are parsed back from their SVG and checked point by
//! point; `usage report --html` draws the same charts through the same renderer; and the page
//! is rendered in headless Chromium, which must show every section with its charts and log no
//! console error.
//!
//! Against real Stripe (BILLCTL_TEST_STRIPE_KEY): skipped, as it plants payment failures and webhook outcomes in the store.

use crate::common;

use common::Env;

const DAY: i64 = 86_400;

fn day_of(t: i64) -> i64 {
    t.div_euclid(DAY) * DAY
}

/// A customer with a name, an email and Stripe's test card, subscribed to `tier`.
fn customer(env: &Env, name: &str, email: &str, tier: &str, trial: Option<i64>) -> String {
    let id = env.customer_with(email, &format!("--name '{name}'"));
    env.add_card(&id);
    env.sub(&id, tier).arg(trial.map(|d| format!("--trial-days {d}")).unwrap_or_default()).create();
    id
}

struct Scene {
    env: Env,
    now: i64,
    t0: i64,
    ada: String,
    bob: String,
    dan: String,
    eve: String,
    /// Ada's days of use: (moment, quantity), the last one today.
    ada_use: Vec<(i64, i64)>,
}

/// Five customers: Ada (Pro, 6,000 calls on three days, today the last), Bob (Team, 120,000
/// in one day, a name with markup), Cara (Pro, a trial ending in under a week), Dan (Pro, past
/// due after two failed attempts) and Eve (Enterprise, unlimited). Ada has a key used today;
/// the webhook store holds applied, failed and rejected arrivals over the last days.
fn scene() -> Scene {
    let env = Env::with_catalog();
    let t0 = env.sim.now();
    env.set_now(t0);
    let ada = customer(&env, "Ada Lovelace", "ada@example.com", "pro", None);
    let bob = customer(&env, "Bob <script>alert(1)</script>", "bob@example.com", "team", None);
    let _cara = customer(&env, "Cara", "cara@example.com", "pro", Some(14));
    let dan = customer(&env, "Dan", "dan@example.com", "pro", None);
    let eve = customer(&env, "Eve", "eve@example.com", "enterprise", None);
    let now = t0 + 9 * DAY + 6 * 3_600;
    env.set_now(now);
    let ada_use = vec![(t0 + 5 * DAY, 3_000), (t0 + 7 * DAY, 2_000), (now - 60, 1_000)];
    let mut lines = String::new();
    let mut line = |id: &str, cus: &str, ts: i64, q: i64| {
        lines.push_str(&format!(
            "{{\"id\":\"{id}\",\"customer\":\"{cus}\",\"timestamp\":{ts},\"quantity\":{q}}}\n"
        ));
    };
    // Today's last call comes through her key (`keys verify --record`, below).
    for (i, (ts, q)) in ada_use.iter().enumerate() {
        let q = if i + 1 == ada_use.len() { q - 1 } else { *q };
        line(&format!("ada{i}"), &ada, *ts, q);
    }
    line("bob0", &bob, t0 + 8 * DAY, 120_000);
    line("eve0", &eve, t0 + 2 * DAY, 50_000);
    env.cmd(format!("usage import {} -q", env.file("usage.ndjson", lines).display())).ok();
    env.exec(
        &format!(
            "UPDATE subscriptions SET status = 'past_due', payment_failed_at = {}, failed_attempts = 2,
               next_payment_attempt = {}, unpaid_invoice_id = 'in_dan_unpaid' WHERE customer_id = '{dan}'",
            t0 + 8 * DAY,
            t0 + 11 * DAY
        ),
        false,
    );
    let key = env.cmd(format!("keys issue --customer {ada} --name ci -q")).ok().stdout;
    env.cmd_stdin("keys verify --record", &key).ok();
    plant_webhooks(&env, now);
    Scene { env, now, t0, ada, bob, dan, eve, ada_use }
}

/// Three applied events today, one failed yesterday (with its reason), one ignored eight days
/// ago (outside the window), and a rejected request today.
fn plant_webhooks(env: &Env, now: i64) {
    use billctl::adapters::store::webhooks::{Envelope, Incoming, Outcome, Receipt};
    let mut events = env.events();
    let mk = |id: &str| {
        let body = format!(
            "{{\"id\":\"{id}\",\"object\":\"event\",\"type\":\"invoice.paid\",\"created\":{now},\"livemode\":false,\"data\":{{\"object\":{{\"id\":\"in_1\",\"object\":\"invoice\"}}}}}}"
        )
        .into_bytes();
        Incoming { envelope: Envelope::parse(&body).unwrap(), body, source: "listen" }
    };
    let ids = ["evt_a1", "evt_a2", "evt_a3", "evt_f1", "evt_old"];
    let incoming: Vec<Incoming> = ids.iter().map(|id| mk(id)).collect();
    let mut receipts = vec![Receipt {
        received_at_ms: now * 1000,
        event_id: None,
        http_status: 400,
        outcome: "rejected",
        reason: Some("no valid signature".into()),
        headers: "{}".into(),
        body: None,
    }];
    events.store(&incoming, &mut receipts).unwrap();
    let mut outcomes: Vec<(String, Outcome)> =
        ids[..3].iter().map(|id| (id.to_string(), Outcome::Applied("ok".into()))).collect();
    outcomes.push((
        "evt_f1".into(),
        Outcome::Failed("subscription sub_x is not in the mirror <b>".into()),
    ));
    outcomes.push(("evt_old".into(), Outcome::Ignored("not billing".into())));
    events.set_outcomes(&outcomes).unwrap();
    env.exec(
        &format!(
            "UPDATE events SET received_at = {} WHERE id IN ('evt_a1', 'evt_a2', 'evt_a3');
             UPDATE events SET received_at = {} WHERE id = 'evt_f1';
             UPDATE events SET received_at = {} WHERE id = 'evt_old';",
            now * 1000,
            (now - DAY) * 1000,
            (now - 8 * DAY) * 1000
        ),
        true,
    );
}

/// The `<svg>` of `customer`'s usage figure.
fn usage_svg<'a>(page: &'a str, customer: &str) -> &'a str {
    let at = page
        .find(&format!("<figure class=\"usage\" data-customer=\"{customer}\""))
        .unwrap_or_else(|| panic!("no usage figure of {customer}"));
    let start = at + page[at..].find("<svg").unwrap();
    let end = start + page[start..].find("</svg>").unwrap() + "</svg>".len();
    &page[start..end]
}

/// Pixels back to moments and totals, by the scale the `<svg>` states.
struct Scale {
    from: f64,
    to: f64,
    ymax: f64,
    plot: [f64; 4],
}

impl Scale {
    fn of(svg: &roxmltree::Node) -> Scale {
        let num = |a: &str| svg.attribute(a).unwrap().parse::<f64>().unwrap();
        let plot: Vec<f64> =
            svg.attribute("data-plot").unwrap().split(' ').map(|v| v.parse().unwrap()).collect();
        Scale {
            from: num("data-from"),
            to: num("data-to"),
            ymax: num("data-ymax"),
            plot: [plot[0], plot[1], plot[2], plot[3]],
        }
    }
    fn t(&self, x: f64) -> f64 {
        self.from + (x - self.plot[0]) / (self.plot[2] - self.plot[0]) * (self.to - self.from)
    }
    fn v(&self, y: f64) -> f64 {
        (self.plot[3] - y) / (self.plot[3] - self.plot[1]) * self.ymax
    }
    /// One pixel, in seconds and in calls.
    fn px(&self) -> (f64, f64) {
        (
            (self.to - self.from) / (self.plot[2] - self.plot[0]),
            self.ymax / (self.plot[3] - self.plot[1]),
        )
    }
}

fn points(node: &roxmltree::Node) -> Vec<(f64, f64)> {
    node.attribute("points")
        .unwrap()
        .split(' ')
        .map(|p| {
            let (x, y) = p.split_once(',').unwrap();
            (x.parse().unwrap(), y.parse().unwrap())
        })
        .collect()
}

fn by_class<'a, 'i>(doc: &'a roxmltree::Document<'i>, class: &str) -> Vec<roxmltree::Node<'a, 'i>> {
    doc.descendants().filter(|n| n.attribute("class") == Some(class)).collect()
}

#[test]
fn the_usage_chart_is_a_step_line_that_ends_today_with_its_projection_apart() {
    let s = scene();
    let out = s.env.path("dashboard.html");
    let r = s.env.cmd(format!("dashboard --out {}", out.display())).ok();
    assert!(r.stderr.contains("5 customers, 5 charted"), "{}", r.stderr);
    let page = std::fs::read_to_string(&out).unwrap();
    let svg = usage_svg(&page, &s.ada);
    let doc = roxmltree::Document::parse(svg).expect("the chart is well-formed SVG");
    let root = doc.root_element();
    let scale = Scale::of(&root);
    let (tpx, vpx) = scale.px();
    let line = by_class(&doc, "cumulative");
    assert_eq!(line.len(), 1, "one cumulative line");
    let pts: Vec<(f64, f64)> =
        points(&line[0]).into_iter().map(|(x, y)| (scale.t(x), scale.v(y))).collect();
    let first_use = day_of(s.ada_use[0].0) as f64;
    // Flat at zero from the period start to the first day of use.
    assert!((pts[0].0 - scale.from).abs() <= tpx && pts[0].1.abs() <= vpx, "{pts:?}");
    for (t, v) in pts.iter().filter(|(t, _)| *t < first_use - tpx) {
        assert!(v.abs() <= vpx, "not flat at zero before the first use: {t} {v}");
    }
    // One step per day of use, rising at that day's start to the total through it.
    let rises: Vec<(f64, f64, f64)> = pts
        .windows(2)
        .filter(|w| (w[0].0 - w[1].0).abs() < tpx / 2.0 && w[1].1 > w[0].1 + vpx)
        .map(|w| (w[0].0, w[0].1, w[1].1))
        .collect();
    assert_eq!(rises.len(), s.ada_use.len(), "a step per day: {pts:?}");
    let mut total = 0.0;
    for ((t, before, after), (ts, q)) in rises.iter().zip(&s.ada_use) {
        assert!((t - day_of(*ts) as f64).abs() <= tpx, "the step of {ts} at {t}");
        assert!((before - total).abs() <= vpx, "{before} before, {total} expected");
        total += *q as f64;
        assert!((after - total).abs() <= vpx, "{after} after, {total} expected");
    }
    // Flat between steps, never falling.
    for w in pts.windows(2) {
        assert!(w[1].0 >= w[0].0 - tpx / 2.0 && w[1].1 >= w[0].1 - vpx / 2.0, "{w:?}");
    }
    // It ends at today, at the total used.
    let last = *pts.last().unwrap();
    assert!((last.0 - s.now as f64).abs() <= tpx, "ends at {} not now {}", last.0, s.now);
    assert!((last.1 - 6_000.0).abs() <= vpx, "{last:?}");
    // The projection is drawn apart, dashed, from the line's end to the period end.
    let proj = by_class(&doc, "projection");
    assert_eq!(proj.len(), 1);
    assert!(proj[0].attribute("stroke-dasharray").is_some());
    let pp = points(&proj[0]);
    assert_eq!(pp.len(), 2);
    let (p0, p1) = ((scale.t(pp[0].0), scale.v(pp[0].1)), (scale.t(pp[1].0), scale.v(pp[1].1)));
    assert!((p0.0 - last.0).abs() <= tpx && (p0.1 - last.1).abs() <= vpx);
    assert!((p1.0 - scale.to).abs() <= tpx && p1.1 >= p0.1);
    // Today's marker, the quota line and a bar per day of use.
    let today = by_class(&doc, "today");
    assert_eq!(today.len(), 1);
    let tx: f64 = today[0].attribute("x1").unwrap().parse().unwrap();
    assert!((scale.t(tx) - s.now as f64).abs() <= tpx);
    let quota = by_class(&doc, "quota");
    let qy: f64 = quota[0].attribute("y1").unwrap().parse().unwrap();
    assert!((scale.v(qy) - 10_000.0).abs() <= vpx);
    let bars: Vec<i64> = by_class(&doc, "day-bar")
        .iter()
        .map(|b| b.attribute("data-day").unwrap().parse().unwrap())
        .collect();
    let days: Vec<i64> = s.ada_use.iter().map(|(t, _)| day_of(*t)).collect();
    assert_eq!(bars, days);
    // A title and axis labels with thousands separators.
    assert!(svg.contains("<title id=\"usage-1-t\">Ada Lovelace ("), "{svg}");
    assert!(svg.contains(">10,000<") || svg.contains(">quota 10,000<"), "{svg}");
    assert!(svg.contains("day (UTC)") && svg.contains("API calls, cumulative"));

    // Bob crossed his quota on his one day of use: the marker and the table say so.
    let bob = roxmltree::Document::parse(usage_svg(&page, &s.bob)).unwrap();
    let reached = by_class(&bob, "quota-reached");
    assert_eq!(reached.len(), 1);
    assert_eq!(
        reached[0].attribute("data-t").unwrap().parse::<i64>().unwrap(),
        day_of(s.t0 + 8 * DAY)
    );
    // Eve is unlimited: no quota line, and no quota reached.
    let eve = roxmltree::Document::parse(usage_svg(&page, &s.eve)).unwrap();
    assert!(by_class(&eve, "quota").is_empty() && by_class(&eve, "quota-reached").is_empty());
}

#[test]
fn every_section_holds_what_an_operator_needs() {
    let s = scene();
    let r = s.env.cmd("dashboard --json").ok();
    let d = r.json();
    // Revenue: MRR now (past due counts, the trial does not) and twelve months.
    let usd = &d["revenue"]["now"]["currencies"][0];
    assert_eq!(usd["mrr"], 9_900 + 49_900 + 9_900 + 500_000, "{usd}");
    assert_eq!(d["revenue"]["months"]["months"].as_array().unwrap().len(), 12);
    // Revenue now is what `billctl revenue` says.
    let alone = s.env.cmd("revenue --json").ok().json();
    for field in ["as_of", "month", "month_start", "currencies", "subscribers", "movements"] {
        assert_eq!(d["revenue"]["now"][field], alone[field], "{field}");
    }
    // Usage: every customer, by share of quota, with name and email; unlimited last.
    let rows = d["usage"]["rows"].as_array().unwrap();
    let order: Vec<&str> = rows.iter().map(|r| r["customer_id"].as_str().unwrap()).collect();
    assert_eq!((order[0], order[1], order[4]), (s.bob.as_str(), s.ada.as_str(), s.eve.as_str()));
    assert_eq!(rows[1]["name"], "Ada Lovelace");
    assert_eq!(rows[1]["email"], "ada@example.com");
    assert_eq!(rows[1]["used"], 6_000);
    assert_eq!(rows[0]["percent"], 120.0);
    // Subscribers: Dan at risk with his dunning state; Cara's trial ends within a week.
    let risk = &d["subscribers"]["at_risk"];
    assert_eq!(risk.as_array().unwrap().len(), 1, "{risk}");
    assert_eq!(risk[0]["customer_id"], s.dan.as_str());
    assert_eq!(risk[0]["failed_attempts"], 2);
    assert_eq!(risk[0]["next_payment_attempt"], s.t0 + 11 * DAY);
    assert_eq!(risk[0]["unpaid_invoice_id"], "in_dan_unpaid");
    // Counts from the mirror: Dan's past_due shows beside the others.
    let counts = d["subscribers"]["counts"].as_array().unwrap();
    let n = |tier: &str, status: &str| {
        counts
            .iter()
            .find(|c| c["tier"] == tier && c["status"] == status)
            .map_or(0, |c| c["subscriptions"].as_i64().unwrap())
    };
    assert_eq!(
        (n("pro", "active"), n("pro", "past_due"), n("pro", "trialing"), n("team", "active")),
        (1, 1, 1, 1),
        "{counts:?}"
    );
    let trials = &d["subscribers"]["trials_ending"];
    assert_eq!(trials.as_array().unwrap().len(), 1, "{trials}");
    assert_eq!(trials[0]["name"], "Cara");
    // Keys: Ada's key, used now.
    let keys = &d["keys"]["customers"];
    assert_eq!(keys[0]["customer_id"], s.ada.as_str());
    assert_eq!(keys[0]["last_used_at"], s.now, "{keys}");
    assert_eq!(keys[0]["keys"][0]["name"], "ci");
    // Webhooks: seven days, today's three applied and one rejected, yesterday's failure.
    let days = d["webhooks"]["days"].as_array().unwrap();
    assert_eq!(days.len(), 7);
    let today = &days[6];
    assert_eq!(today["day"], day_of(s.now));
    assert_eq!((today["applied"].as_i64(), today["rejected"].as_i64()), (Some(3), Some(1)));
    assert_eq!(days[5]["failed"], 1);
    let total: i64 = days
        .iter()
        .map(|d| {
            ["applied", "ignored", "failed", "pending", "rejected"]
                .iter()
                .map(|k| d[k].as_i64().unwrap())
                .sum::<i64>()
        })
        .sum();
    assert_eq!(total, 5, "the ignored event of eight days ago is outside the window");
    assert_eq!(d["webhooks"]["failed"][0]["id"], "evt_f1");

    // The page: every section, names and money formatted, and nothing from outside unescaped.
    let page = s.env.cmd("dashboard").ok().stdout;
    for id in ["revenue", "subscribers", "usage", "keys", "webhooks"] {
        assert!(page.contains(&format!("<section id=\"{id}\">")), "no {id} section");
    }
    assert!(page.contains("$5,697.00"), "MRR in the currency's format");
    assert!(page.contains(">120,000<"), "thousands separators");
    assert!(page.contains("Bob &lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!page.contains("<script>alert"), "a customer's name is never markup");
    assert!(page.contains("mirror &lt;b&gt;"), "a failure's reason is escaped");
    assert!(page.contains("prefers-color-scheme: dark"));
    assert!(!page.contains("http://") || !page.contains("src=\"http"), "nothing fetched");
    assert!(!page.contains("src="), "no external script, image or frame");
    assert_eq!(page.matches("<script>").count(), 1, "one inline script");
    // Every chart is well-formed SVG with a title and labels.
    let mut charts = 0;
    let mut rest = page.as_str();
    while let Some(at) = rest.find("<svg") {
        let end = at + rest[at..].find("</svg>").unwrap() + "</svg>".len();
        let doc = roxmltree::Document::parse(&rest[at..end]).expect("well-formed SVG");
        let root = doc.root_element();
        let title =
            root.children().find(|n| n.has_tag_name("title")).and_then(|t| t.text()).unwrap_or("");
        assert!(title.len() > 10, "a chart without a title: {}", &rest[at..at + 200]);
        let labels = doc.descendants().filter(|n| n.has_tag_name("text")).count();
        assert!(labels >= 4, "a chart without axis labels: {title}");
        charts += 1;
        rest = &rest[end..];
    }
    assert_eq!(charts, 1 + 5 + 1, "MRR, five customers, webhooks");
}

#[test]
fn usage_report_html_is_the_dashboards_usage_section() {
    let s = scene();
    let board = s.env.path("board.html");
    let report = s.env.path("report.html");
    s.env.cmd(format!("dashboard --out {} -q", board.display())).ok();
    s.env.cmd(format!("usage report --html {} -q", report.display())).ok();
    let (board, report) = (common::read(&board), common::read(&report));
    assert!(report.contains("<section id=\"usage\">"));
    assert!(!report.contains("<section id=\"revenue\">"));
    for c in [&s.ada, &s.bob, &s.eve] {
        assert_eq!(usage_svg(&board, c), usage_svg(&report, c), "one renderer for {c}");
    }
    // By day, the same customer's chart (and its quota); by one key, the key's use against the
    // customer's quota, as the report's row has it.
    let by_day = s.env.path("by-day.html");
    s.env.cmd(format!("usage report --by day --html {} -q", by_day.display())).ok();
    let by_day = common::read(&by_day);
    assert_eq!(usage_svg(&by_day, &s.ada), usage_svg(&board, &s.ada));
    let key_id = s.env.json("keys list")[0]["id"].as_str().unwrap().to_string();
    let by_key = s.env.path("by-key.html");
    s.env.cmd(format!("usage report --key {key_id} --html {} -q", by_key.display())).ok();
    let by_key = common::read(&by_key);
    let svg = usage_svg(&by_key, &s.ada);
    assert!(svg.contains(&format!("key {key_id} of Ada Lovelace")), "{svg}");
    assert!(svg.contains(": 1 API call of 10,000 (pro)"), "{svg}");
}

#[test]
fn bad_flags_are_refused_and_write_nothing_and_an_empty_store_makes_a_page() {
    let env = Env::new();
    let out = env.path("x.html");
    let r = env.cmd(format!("dashboard --period 2026-13 --out {}", out.display())).code(2);
    assert!(r.stderr.contains("--period"), "{}", r.stderr);
    assert!(!out.exists());
    let r =
        env.cmd(format!("dashboard --out {}", env.path("no/such/dir/x.html").display())).code(2);
    assert!(r.stderr.contains("no/such/dir"), "{}", r.stderr);
    // An empty store makes a page that says so.
    env.cmd(format!("dashboard --out {} -q", out.display())).ok();
    let page = common::read(&out);
    assert!(
        page.contains("No paying subscriptions.") && page.contains("<section id=\"webhooks\">")
    );
}

/// Chromium, or None with a note; a failure in CI (`CI`, or `BILLCTL_REQUIRE_CHROMIUM`, which
/// `.ci/run` sets after installing it).
fn chromium() -> Option<String> {
    for bin in ["chromium", "chromium-browser", "google-chrome"] {
        if std::process::Command::new(bin)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
        {
            return Some(bin.into());
        }
    }
    assert!(
        std::env::var_os("BILLCTL_REQUIRE_CHROMIUM").is_none() && std::env::var_os("CI").is_none(),
        "Chromium is not installed: CI must render the dashboard in it (apt-get install chromium)"
    );
    eprintln!("note: the dashboard was not rendered in a browser: no chromium on PATH (Debian: apt-get install chromium)");
    None
}

/// The page as Chromium's DOM after its script ran, and the console messages it logged.
fn render(bin: &str, page: &std::path::Path, profile: &std::path::Path) -> (String, Vec<String>) {
    let out = std::process::Command::new(bin)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--enable-logging=stderr",
            "--v=0",
            &format!("--user-data-dir={}", profile.display()),
            "--dump-dom",
            &format!("file://{}", page.display()),
        ])
        .output()
        .expect("chromium runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let console = String::from_utf8_lossy(&out.stderr)
        .lines()
        .filter(|l| l.contains(":CONSOLE"))
        .map(String::from)
        .collect();
    (String::from_utf8_lossy(&out.stdout).into_owned(), console)
}

#[test]
fn the_page_renders_in_headless_chromium_without_console_errors() {
    let Some(bin) = chromium() else {
        return;
    };
    let s = scene();
    let out = s.env.path("dashboard.html");
    s.env.cmd(format!("dashboard --out {} -q", out.display())).ok();
    // The check can fail: a page with a script error is caught.
    let broken =
        s.env.file("broken.html", "<!doctype html><p>x</p><script>undefinedFunction()</script>");
    let (_, console) = render(&bin, &broken, &s.env.path("chromium-profile"));
    assert!(
        console.iter().any(|l| l.contains("undefinedFunction")),
        "the console is read: {console:?}"
    );
    let (dom, console) = render(&bin, &out, &s.env.path("chromium-profile"));
    assert!(console.is_empty(), "console messages: {console:?}");
    assert!(dom.contains("<html lang=\"en\" class=\"js\">"), "the script ran to its end");
    let section = |id: &str| {
        let at = dom
            .find(&format!("<section id=\"{id}\">"))
            .unwrap_or_else(|| panic!("no {id} section in Chromium's DOM"));
        let end = at + dom[at..].find("</section>").unwrap();
        &dom[at..end]
    };
    assert!(section("revenue").contains("<svg"), "the MRR chart");
    assert!(section("revenue").contains("$5,697.00"));
    assert!(section("subscribers").contains("past_due"));
    let usage = section("usage");
    assert_eq!(usage.matches("class=\"usage-chart\"").count(), 5, "a chart per customer");
    assert_eq!(usage.matches("class=\"cumulative\"").count(), 5);
    assert!(usage.contains("class=\"projection\""));
    // The filter box is shown once the script runs (hidden without it).
    assert!(usage.contains("data-filter=\"usage-table\""));
    assert!(!usage.contains("aria-label=\"Filter customers\" hidden"), "{}", &usage[..600]);
    assert!(section("keys").contains("Ada Lovelace"));
    assert!(section("webhooks").contains("class=\"webhook-chart\""));
    assert!(section("webhooks").contains("evt_f1"));
    // Without JavaScript the page reads the same: every section and chart, the table in its
    // order (by share of quota), the search box hidden. (`--dump-dom` needs JavaScript itself,
    // so the page goes without its one script instead.)
    let html = common::read(&out);
    let (a, b) = (html.find("<script>").unwrap(), html.find("</script>").unwrap());
    let bare =
        s.env.file("no-script.html", format!("{}{}", &html[..a], &html[b + "</script>".len()..]));
    let (plain, console) = render(&bin, &bare, &s.env.path("chromium-profile"));
    assert!(console.is_empty(), "console messages: {console:?}");
    assert!(!plain.contains("class=\"js\""), "the script did not run");
    assert_eq!(plain.matches("class=\"usage-chart\"").count(), 5);
    assert!(plain.contains("aria-label=\"Filter customers\" hidden"));
    let table = &plain[plain.find("id=\"usage-table\"").unwrap()..];
    let (bob, ada) = (table.find(&s.bob).unwrap(), table.find(&s.ada).unwrap());
    assert!(bob < ada, "sorted by share of quota without the script");
}

/// The MRR chart's y axis shows only amounts the currency can hold (a hostile review:
/// 499,999.5 ISK, 2.5 UGX and 0.001 BHD): every tick is a multiple of the currency's smallest
/// amount, 100 minor units for ISK and UGX (whole units), 10 for BHD (Stripe's last 0). One
/// row per class of currency with such a step, and USD for the plain case; the ticks are read
/// from the SVG.
#[test]
fn money_chart_ticks_are_amounts_the_currency_can_hold() {
    let rows: [(&str, i64, [i64; 3]); 4] = [
        ("isk", 99_999_900, [0, 50_000_000, 100_000_000]),
        ("ugx", 500, [0, 500, 1_000]),
        ("bhd", 0, [0, 10, 20]),
        ("usd", 999, [0, 500, 1_000]),
    ];
    let env = Env::new();
    let mut config = String::new();
    for (cur, amount, _) in rows {
        config.push_str(&format!(
            "[tiers.t_{cur}]\nname = \"T {cur}\"\nquota = 100\nrate_limit_per_minute = 10\n\n[tiers.t_{cur}.price]\nlookup_key = \"t_{cur}_monthly\"\namount = {amount}\ncurrency = \"{cur}\"\ninterval = \"month\"\n\n"
        ));
    }
    let xdg = env.path("xdg-config/billctl/billctl.toml");
    std::fs::create_dir_all(xdg.parent().unwrap()).unwrap();
    std::fs::write(&xdg, config).unwrap();
    env.cmd("setup-products --yes -q").ok();
    for (cur, _, _) in rows {
        env.subscribed(&format!("{cur}@example.com"), &format!("t_{cur}"));
    }
    let out = env.path("d.html");
    env.cmd(format!("dashboard --out {} -q", out.display())).ok();
    let page = common::read(&out);
    for (cur, _, ticks) in rows {
        let title = format!("stacked by tier ({})", cur.to_uppercase());
        let svg = page
            .split("<svg")
            .skip(1)
            .map(|rest| format!("<svg{}</svg>", rest.split("</svg>").next().unwrap()))
            .find(|svg| svg.contains(&format!("{title}</title>")))
            .unwrap_or_else(|| panic!("no MRR chart in {cur}"));
        let doc = roxmltree::Document::parse(&svg).unwrap_or_else(|e| panic!("{e}: {svg}"));
        let labels: Vec<&str> = doc
            .descendants()
            .filter(|n| n.has_tag_name("text") && n.attribute("text-anchor") == Some("end"))
            .filter_map(|n| n.text())
            .collect();
        let want: Vec<String> =
            ticks.iter().map(|&t| billctl::domain::money::money(t, cur)).collect();
        assert_eq!(labels, want, "{cur}");
    }
}
