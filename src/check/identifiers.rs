//! Format and check-digit validation of SNILS, INN and OGRN literals.

use crate::vocabulary::IdKind;

/// `Ok(())` or a sentence saying what is wrong with the literal.
pub fn validate(kind: IdKind, text: &str) -> Result<(), String> {
    match kind {
        IdKind::Snils => snils(text),
        IdKind::Inn => inn(text),
        IdKind::Ogrn => ogrn(text),
    }
}

fn digits(text: &str) -> Vec<u64> {
    text.bytes().filter(u8::is_ascii_digit).map(|b| u64::from(b - b'0')).collect()
}

fn weighted(d: &[u64], weights: &[u64]) -> u64 {
    d.iter().zip(weights).map(|(a, b)| a * b).sum()
}

fn snils(text: &str) -> Result<(), String> {
    let plain = text.len() == 11 && text.bytes().all(|b| b.is_ascii_digit());
    let b = text.as_bytes();
    let formatted = b.len() == 14
        && b[3] == b'-'
        && b[7] == b'-'
        && b[11] == b' '
        && b.iter().enumerate().all(|(i, c)| [3, 7, 11].contains(&i) || c.is_ascii_digit());
    if !plain && !formatted {
        return Err("a SNILS is 11 digits, written `123-456-789 01` or `12345678901`".into());
    }
    let d = digits(text);
    let number: u64 = d[..9].iter().fold(0, |n, x| n * 10 + x);
    // Check digits are defined only above 001-001-998.
    if number <= 1_001_998 {
        return Ok(());
    }
    let sum = weighted(&d[..9], &[9, 8, 7, 6, 5, 4, 3, 2, 1]);
    let expected = match sum {
        s if s < 100 => s,
        100 | 101 => 0,
        s => (s % 101) % 100,
    };
    let given = d[9] * 10 + d[10];
    if given == expected {
        Ok(())
    } else {
        Err(format!("the check number of this SNILS should be {expected:02}, not {given:02}"))
    }
}

fn inn(text: &str) -> Result<(), String> {
    if !text.bytes().all(|b| b.is_ascii_digit()) || !(text.len() == 10 || text.len() == 12) {
        return Err("an INN is 10 digits (organisation) or 12 digits (person)".into());
    }
    let d = digits(text);
    let check = |n: usize, w: &[u64]| weighted(&d[..n], w) % 11 % 10;
    let ok = if d.len() == 10 {
        check(9, &[2, 4, 10, 3, 5, 9, 4, 6, 8]) == d[9]
    } else {
        check(10, &[7, 2, 4, 10, 3, 5, 9, 4, 6, 8]) == d[10]
            && check(11, &[3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8]) == d[11]
    };
    if ok { Ok(()) } else { Err("the check digits of this INN do not match".into()) }
}

fn ogrn(text: &str) -> Result<(), String> {
    if !text.bytes().all(|b| b.is_ascii_digit()) || !(text.len() == 13 || text.len() == 15) {
        return Err("an OGRN is 13 digits (OGRNIP of a sole trader: 15)".into());
    }
    let d = digits(text);
    let n = d.len() - 1;
    let body: u64 = d[..n].iter().fold(0, |acc, x| acc * 10 + x);
    let modulus = if n == 12 { 11 } else { 13 };
    if body % modulus % 10 == d[n] {
        Ok(())
    } else {
        Err("the check digit of this OGRN does not match".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_valid_numbers() {
        assert_eq!(validate(IdKind::Snils, "112-233-445 95"), Ok(()));
        assert_eq!(validate(IdKind::Snils, "11223344595"), Ok(()));
        assert_eq!(validate(IdKind::Inn, "500100732259"), Ok(()));
        assert_eq!(validate(IdKind::Inn, "7707083893"), Ok(()));
        assert_eq!(validate(IdKind::Ogrn, "1027700132195"), Ok(()));
    }

    #[test]
    fn rejects_bad_numbers() {
        assert!(validate(IdKind::Snils, "112-233-445 96").is_err());
        assert!(validate(IdKind::Snils, "1122334459").is_err());
        assert!(validate(IdKind::Inn, "500100732258").is_err());
        assert!(validate(IdKind::Inn, "12345").is_err());
        assert!(validate(IdKind::Ogrn, "1027700132194").is_err());
    }
}
