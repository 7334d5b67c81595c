//! Text and number normalisation for typed answers, so `ＡＢＣ。` matches `abc.` and `３，５` reads
//! as 3.5: learners type on phones with Chinese IMEs that switch width and punctuation freely.

/// Folds full-width forms to half-width, Chinese punctuation to Latin, collapses white space,
/// trims, and (unless `case_sensitive`) lower-cases.
pub fn text(s: &str, case_sensitive: bool) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        let c = fold(c);
        if c.is_whitespace() {
            space = !out.is_empty();
            continue;
        }
        if space {
            out.push(' ');
            space = false;
        }
        if case_sensitive {
            out.push(c);
        } else {
            out.extend(c.to_lowercase());
        }
    }
    out
}

/// One character's width and punctuation fold.
fn fold(c: char) -> char {
    match c {
        // Full-width ASCII block: ！ to ～.
        '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
        '\u{3000}' => ' ',
        '。' | '｡' => '.',
        '、' => ',',
        '“' | '”' | '「' | '」' | '『' | '』' => '"',
        '‘' | '’' => '\'',
        '【' | '〔' => '[',
        '】' | '〕' => ']',
        '《' | '〈' => '<',
        '》' | '〉' => '>',
        '—' | '–' => '-',
        '…' => '.',
        '·' | '・' => '.',
        _ => c,
    }
}

/// Reads a typed number: full-width digits, a `,` or `，` decimal separator (when it is the only
/// separator), spaces and a leading `+`. Refuses NaN, infinities and anything else.
pub fn number(s: &str) -> Option<f64> {
    let t = text(s, true).replace(' ', "");
    let t = t.strip_prefix('+').unwrap_or(&t);
    if t.is_empty() || t.len() > 64 {
        return None;
    }
    let t = if t.contains(',') && !t.contains('.') && t.matches(',').count() == 1 {
        t.replace(',', ".")
    } else {
        t.replace(',', "")
    };
    // Only plain decimal notation (with an optional exponent): Rust's parser also takes "inf"
    // and "NaN", which are not answers.
    if !t
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'e' | b'E' | b'+'))
    {
        return None;
    }
    t.parse::<f64>().ok().filter(|v| v.is_finite())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_width_punctuation_space_and_case() {
        assert_eq!(text("  ＡＢＣ，ｄ。 ", false), "abc,d.");
        assert_eq!(text("Hello\u{3000}\t World", false), "hello world");
        assert_eq!(text("Hello", true), "Hello");
        assert_eq!(text("“引号”（括号）", false), "\"引号\"(括号)");
        assert_eq!(text("", false), "");
    }

    #[test]
    fn reads_numbers_as_typed() {
        assert_eq!(number("3.5"), Some(3.5));
        assert_eq!(number("３．５"), Some(3.5));
        assert_eq!(number("3,5"), Some(3.5));
        assert_eq!(number("1,000.5"), Some(1000.5));
        assert_eq!(number(" +2e3 "), Some(2000.0));
        assert_eq!(number("-0.25"), Some(-0.25));
        for bad in [
            "NaN",
            "inf",
            "-infinity",
            "",
            "abc",
            "1e999",
            "1.2.3",
            "0x10",
        ] {
            assert_eq!(number(bad), None, "{bad}");
        }
    }
}
