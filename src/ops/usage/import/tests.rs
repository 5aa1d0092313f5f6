//! The import workflow's tests, on real store files.

use super::reader::{LineReader, LONG_LINE_KEPT};
use super::*;
use std::io::Cursor;

fn store_with_customer() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    let customer = crate::domain::billing::Customer {
        id: "cus_1".into(),
        email: None,
        name: None,
        created: 1_795_000_000,
    };
    store.record(&customer, &[], 1_795_000_000).unwrap();
    (dir, store)
}

fn options(format: Format, skip_invalid: bool) -> Options {
    Options {
        format,
        derive_ids: false,
        skip_invalid,
        batch_size: 1,
        bounds: usage::Bounds::default(),
        route: usage::Route::Import,
    }
}

fn run(store: &mut Store, text: &[u8], opts: &Options) -> (Outcome, Vec<Reject>) {
    let mut seen = Vec::new();
    let bar = crate::ops::Hidden;
    let outcome = import(
        store,
        &mut Cursor::new(text.to_vec()),
        opts,
        &bar,
        &mut |r: &Reject| {
            seen.push(Reject {
                line: r.line,
                reason: r.reason.clone(),
                input: r.input.clone(),
            });
            Ok(())
        },
        1_795_600_000,
    )
    .unwrap();
    (outcome, seen)
}

/// The workflow in process, on a real store file: all or nothing unless told to skip, then
/// exact counts and totals, and a re-run that only finds duplicates.
#[test]
fn imports_into_a_temp_store_all_or_nothing_then_exactly_once() {
    let (_dir, mut store) = store_with_customer();
    let text = "{\"id\":\"a\",\"customer\":\"cus_1\",\"timestamp\":1795500000,\"quantity\":2}\n\
                {\"id\":\"b\",\"customer\":\"cus_nope\",\"timestamp\":1795500001}\n\
                {\"id\":\"c\",\"customer\":\"cus_1\",\"timestamp\":1795500002,\"quantity\":5}\n";
    match run(&mut store, text.as_bytes(), &options(Format::Ndjson, false)).0 {
        Outcome::Refused {
            read,
            rejected,
            first,
        } => {
            assert_eq!((read, rejected, first[0].line), (3, 1, 2));
            assert!(first[0].reason.contains("unknown customer cus_nope"));
        }
        Outcome::Imported(_) => panic!("an invalid line must refuse the import"),
    }
    assert_eq!(
        store.usage_total("cus_1").unwrap(),
        0,
        "nothing was written"
    );
    let opts = options(Format::Ndjson, true);
    let (Outcome::Imported(r), skipped) = run(&mut store, text.as_bytes(), &opts) else {
        panic!("skip_invalid imports the valid lines");
    };
    assert_eq!((r.read, r.inserted, r.duplicates, r.rejected), (3, 2, 0, 1));
    assert_eq!(skipped.iter().map(|r| r.line).collect::<Vec<_>>(), [2]);
    assert_eq!(store.usage_total("cus_1").unwrap(), 7);
    let (Outcome::Imported(again), _) = run(&mut store, text.as_bytes(), &opts) else {
        panic!("a re-run imports");
    };
    assert_eq!((again.inserted, again.duplicates), (0, 2));
    assert_eq!(store.usage_total("cus_1").unwrap(), 7, "counted once");
}

/// Lines in different chunks (and parser threads) keep their own numbers and file order.
#[test]
fn chunked_parsing_keeps_line_numbers_and_order() {
    let bad = [3usize, 32_768, 32_769, 60_001, 119_999];
    for format in [Format::Ndjson, Format::Csv] {
        let (_dir, mut store) = store_with_customer();
        let mut text = String::new();
        if format == Format::Csv {
            text.push_str("id,customer,timestamp,quantity\n");
        }
        let first = if format == Format::Csv { 2 } else { 1 };
        for n in first..=120_000usize {
            let ts = if bad.contains(&n) {
                "nope".to_string()
            } else {
                (1_790_000_000 + n).to_string()
            };
            if format == Format::Csv {
                text.push_str(&format!("e{n},cus_1,{ts},1\n"));
            } else {
                text.push_str(&format!(
                    "{{\"id\":\"e{n}\",\"customer\":\"cus_1\",\"timestamp\":\"{ts}\"}}\n"
                ));
            }
        }
        if format == Format::Ndjson {
            text = text
                .replace("\"timestamp\":\"1", "\"timestamp\":1")
                .replace("\"}\n", "}\n");
            text = text.replace("\"timestamp\":\"nope}", "\"timestamp\":\"nope\"}");
        }
        let mut opts = options(format, true);
        opts.batch_size = 10_000;
        let (Outcome::Imported(r), skipped) = run(&mut store, text.as_bytes(), &opts) else {
            panic!("skip_invalid imports");
        };
        assert_eq!(
            skipped.iter().map(|r| r.line).collect::<Vec<_>>(),
            bad,
            "{format:?}"
        );
        let want = 120_000 - first + 1 - bad.len();
        assert_eq!((r.inserted, r.rejected), (want, bad.len()), "{format:?}");
        let wrong = match run(&mut store, text.as_bytes(), &options(format, false)).0 {
            Outcome::Refused { first, .. } => first.iter().map(|r| r.line).collect::<Vec<_>>(),
            Outcome::Imported(_) => panic!("refused"),
        };
        assert_eq!(wrong, bad, "{format:?}");
    }
}

/// A line without an end (`/dev/zero`, a stream of one byte) ends the read once it is past
/// [`MAX_ENDLESS_LINE`], naming its line, instead of being read for ever; a long line
/// that ends is still skipped and read past.
#[test]
fn an_endless_line_ends_the_read() {
    use std::io::Read as _;
    let endless = std::io::BufReader::new(std::io::repeat(0).take(1 << 40));
    let mut r = LineReader::new(b"a\nb\n".chain(endless));
    let Err(e) = r.chunk() else {
        panic!("an endless line is an error");
    };
    assert_eq!(e.kind(), std::io::ErrorKind::InvalidData);
    assert!(e.to_string().starts_with("line 3 is over 16 MiB"), "{e}");
    let mut long = vec![b'x'; (MAX_ENDLESS_LINE as usize) - 1];
    long.extend_from_slice(b"\nnext\n");
    let mut r = LineReader::new(long.as_slice());
    let c = r.chunk().unwrap().unwrap();
    assert_eq!(c.spans.len(), 2, "the long line skipped, the next read");
    assert!(c.spans[0].2 && !c.spans[1].2);
}

/// A byte-order mark, CRLF line ends, invalid UTF-8 and an over-long line: the first two
/// read as text, the last two are rejects with their line numbers.
#[test]
fn bom_crlf_bad_utf8_and_long_lines() {
    let (_dir, mut store) = store_with_customer();
    let mut text = b"\xEF\xBB\xBFid,customer,timestamp,quantity\r\n".to_vec();
    text.extend_from_slice(b"a,cus_1,1795500000,2\r\n");
    text.extend_from_slice(b"b,cus_1,1795500001,\xFF3\r\n");
    text.extend_from_slice(b"c,cus_1,1795500002,");
    text.extend(std::iter::repeat_n(b'9', MAX_LINE));
    text.extend_from_slice(b"\nd,cus_1,1795500003,4");
    let (Outcome::Imported(r), skipped) = run(&mut store, &text, &options(Format::Csv, true))
    else {
        panic!("imports");
    };
    assert_eq!(
        (r.read, r.inserted, r.rejected),
        (4, 2, 2),
        "the header is no event"
    );
    assert_eq!(skipped[0].line, 3);
    assert!(
        skipped[0].reason.contains("invalid UTF-8 at byte 20"),
        "{}",
        skipped[0].reason
    );
    assert_eq!(skipped[1].line, 4);
    assert!(skipped[1].reason.contains("longer than"));
    assert!(skipped[1].input.len() <= LONG_LINE_KEPT);
    assert_eq!(store.usage_total("cus_1").unwrap(), 6);
}

/// Quantities and times outside the bounds are rejects naming the bound.
#[test]
fn quantities_and_times_out_of_bounds_are_rejected() {
    let (_dir, mut store) = store_with_customer();
    let now = 1_795_600_000i64;
    let text = format!(
        "a,cus_1,{now},0\nb,cus_1,{now},1000000001\nc,cus_1,{},1\nd,cus_1,{},1\ne,cus_1,{now},1000000000\n",
        now + 301,
        now + 300
    );
    let text = format!("id,customer,timestamp,quantity\n{text}");
    let (Outcome::Imported(r), skipped) =
        run(&mut store, text.as_bytes(), &options(Format::Csv, true))
    else {
        panic!("imports");
    };
    let reasons: Vec<_> = skipped
        .iter()
        .map(|r| (r.line, r.reason.as_str()))
        .collect();
    assert_eq!(reasons.len(), 3, "{reasons:?}");
    assert!(reasons[0].1.contains("below 1") && reasons[0].0 == 2);
    assert!(reasons[1].1.contains("usage.max_quantity") && reasons[1].0 == 3);
    assert!(reasons[2].1.contains("usage.max_future_skew") && reasons[2].0 == 4);
    assert_eq!(r.inserted, 2);
    assert_eq!(store.usage_total("cus_1").unwrap(), 1_000_000_001);
}
