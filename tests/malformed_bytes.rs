//! `malformed-byte-sequence` works on bytes, which the text fixtures cannot hold:
//! these cases go through `fix_bytes`, exactly as `tagmend check --fix` does.

use tagmend::{fix_bytes, lint_bytes, Settings};

fn settings(unsafe_fixes: bool) -> Settings {
    Settings {
        select: vec!["malformed-byte-sequence".into()],
        unsafe_fixes,
        ..Settings::default()
    }
}

#[test]
fn latin1_bytes_in_utf8_page_are_read_as_windows_1252() {
    let page = b"<meta charset=utf-8><p>Caf\xe9 au lait, cr\xe8me br\xfbl\xe9e.</p>".to_vec();
    let (_, found) = lint_bytes(page.clone(), None, &settings(false)).unwrap();
    let rules: Vec<_> = found.iter().map(|d| d.rule).collect();
    assert_eq!(rules, ["malformed-byte-sequence"; 4]);
    assert!(found[0].message.contains("`E9`"), "{}", found[0].message);

    // Safe fixes only: the Windows-1252 reading is a guess, so nothing changes.
    let safe = fix_bytes(page.clone(), None, &settings(false)).unwrap();
    assert_eq!(safe.bytes, page);

    let fixed = fix_bytes(page, None, &settings(true)).unwrap();
    assert_eq!(
        String::from_utf8(fixed.bytes).unwrap(),
        "<meta charset=utf-8><p>Café au lait, crème brûlée.</p>"
    );
    assert!(fixed.outcome.remaining.is_empty());
}

#[test]
fn other_malformed_bytes_become_the_replacement_character_reference() {
    // A truncated 3-byte sequence and a lone continuation byte: no Windows-1252
    // reading is letters, so each becomes the `&#xFFFD;` a browser shows.
    let page =
        b"<meta charset=utf-8><p>a\xe2\x82 b \x81c</p><script>var s = '\xff';</script>".to_vec();
    let fixed = fix_bytes(page, None, &settings(false)).unwrap();
    assert_eq!(
        fixed.bytes,
        b"<meta charset=utf-8><p>a&#xFFFD; b &#xFFFD;c</p><script>var s = '\xff';</script>"
            .to_vec(),
        "{}",
        String::from_utf8_lossy(&fixed.bytes)
    );
    // The one in the script is reported, not fixed.
    let page =
        b"<meta charset=utf-8><p>a\xe2\x82 b \x81c</p><script>var s = '\xff';</script>".to_vec();
    let (_, found) = lint_bytes(page, None, &settings(false)).unwrap();
    let fixable: Vec<_> = found.iter().map(|d| d.fix.is_some()).collect();
    assert_eq!(fixable, [true, true, false]);
}

#[test]
fn malformed_bytes_in_gbk_page_keep_every_other_byte() {
    // 你好 in GBK, then a byte GBK cannot start a character with.
    let page = b"<meta charset=gbk><p>\xc4\xe3\xba\xc3\xff td> x</p>".to_vec();
    let fixed = fix_bytes(page, None, &settings(false)).unwrap();
    assert_eq!(
        fixed.bytes,
        b"<meta charset=gbk><p>\xc4\xe3\xba\xc3&#xFFFD; td> x</p>".to_vec()
    );
}

#[test]
fn valid_pages_give_nothing() {
    for page in [
        "<p>Caf\u{e9} and a real \u{FFFD}.</p>".as_bytes().to_vec(),
        b"<meta charset=windows-1252><p>Caf\xe9</p>".to_vec(),
    ] {
        let (_, found) = lint_bytes(page, None, &settings(true)).unwrap();
        assert!(found.is_empty(), "{found:?}");
    }
}

#[test]
fn a_misdeclared_page_is_reported_not_rewritten() {
    // UTF-8 text under a GB2312 declaration: GBK cannot read some of its bytes,
    // but the fix belongs to the declaration (charset-mismatch), not the bytes.
    let page = "<meta charset=gb2312><p>DeepMind新电脑已可利用记忆自学，人工智能迈上新台阶。</p>"
        .as_bytes()
        .to_vec();
    let (_, found) = lint_bytes(page.clone(), None, &settings(true)).unwrap();
    assert!(!found.is_empty());
    assert!(found.iter().all(|d| d.fix.is_none()), "{found:?}");
    let fixed = fix_bytes(page.clone(), None, &settings(true)).unwrap();
    assert_eq!(fixed.bytes, page);
}
