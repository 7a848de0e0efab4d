//! The look-up key of a name: what the spellings of one name have in
//! common, so that a name is found however it is typed ("Роснедра",
//! "Rosnedra", "ROSNEDRA"; "Ростех", "Rostekh", "Rosteh"; "Škoda",
//! "Skoda").
//!
//! A key is made in two steps.
//!
//! 1. [`spell`]: the text in lower case, letters stripped of their
//!    diacritics (Unicode compatibility decomposition, NFKD, then every
//!    combining mark dropped; `ß` `æ` `œ` `ø` `ł` `đ` `ð` `þ` `ı`, which
//!    do not decompose, become `ss` `ae` `oe` `o` `l` `d` `d` `th` `i`),
//!    Cyrillic letters written in Latin ([`cyrillic`]), apostrophes
//!    dropped (`O'Brien` is `obrien`), and every other run of characters
//!    that are not letters or digits (spaces, hyphens, dots, quotes) one
//!    space between words.
//! 2. [`loosen`], word by word, the differences between the ways Russian
//!    names are written in Latin letters (ISO 9, GOST 7.79, the spellings
//!    of English-language news):
//!    - `shch` and `sh` become `s`, `ch` and `cz` become `c`, `zh` becomes
//!      `z`, `kh` becomes `h`, `ts` becomes `c`, `x` becomes `ks`, `j`
//!      becomes `y` (read left to right, the longest first);
//!    - a `y` before a vowel (`a e i o u`), or before a `y` that ends the
//!      word (`ый`), is dropped; any other `y` at the end of a word or
//!      after a vowel becomes `i`;
//!    - `ii` (from the endings `ий`, `iy`, `ij`) becomes `i`.
//!
//! So "Красноярский край", "Krasnoyarskiy kray", "Krasnoyarsky Krai" and
//! "Krasnojarskij kraj" all have the key `krasnoarski krai`;
//! "Tomtorskoye" and "Томторское" have `tomtorskoe`; "Yakutia",
//! "Yakutiya", "Jakutija" and "Якутия" have `akutia`. The key is lossy on
//! purpose (`Tsar` and `Car` share `car`): the look-up
//! ([`super::lookup`]) prefers an entity spelled as typed when several
//! share a key.
//!
//! A text with no letter or digit at all keys as itself in lower case,
//! spaces collapsed, so that names made only of symbols stay apart.

use unicode_normalization::char::{decompose_compatible, is_combining_mark};
use unicode_normalization::UnicodeNormalization;

/// The Latin spelling of a lower-case Cyrillic letter of Russian,
/// Ukrainian or Belarusian.
///
/// The letters are those of GOST 7.79-2000 System B (ISO 9 without
/// diacritics, with `zh` `ch` `sh` `shch` `yu` `ya` for ж ч ш щ ю я),
/// except where B writes what English-language spellings never do: х is
/// `kh` (B: `x`), ц `ts` (B: `c`), й `y` (B: `j`), ы `y` (B: ``y` ``), э
/// `e` (B: ``e` ``), ё `e` (B: `yo`), and ъ and ь are dropped (B: `` ` ``
/// marks). [`loosen`] then makes `kh` and `h`, or `ts`, `c` and `cz`,
/// the same, so the choice among them only matters for reading.
pub fn cyrillic(c: char) -> Option<&'static str> {
    Some(match c {
        'а' => "a",
        'б' => "b",
        'в' => "v",
        'г' => "g",
        'д' => "d",
        'е' => "e",
        'ё' => "e",
        'ж' => "zh",
        'з' => "z",
        'и' => "i",
        'й' => "y",
        'к' => "k",
        'л' => "l",
        'м' => "m",
        'н' => "n",
        'о' => "o",
        'п' => "p",
        'р' => "r",
        'с' => "s",
        'т' => "t",
        'у' => "u",
        'ф' => "f",
        'х' => "kh",
        'ц' => "ts",
        'ч' => "ch",
        'ш' => "sh",
        'щ' => "shch",
        'ъ' => "",
        'ы' => "y",
        'ь' => "",
        'э' => "e",
        'ю' => "yu",
        'я' => "ya",
        // Ukrainian and Belarusian.
        'і' => "i",
        'ї' => "yi",
        'є' => "ye",
        'ґ' => "g",
        'ў' => "u",
        _ => return None,
    })
}

/// Latin letters that have no decomposition into a base letter and marks.
fn latin_extra(c: char) -> Option<&'static str> {
    Some(match c {
        'ß' => "ss",
        'æ' => "ae",
        'œ' => "oe",
        'ø' => "o",
        'ł' => "l",
        'đ' => "d",
        'ð' => "d",
        'þ' => "th",
        'ı' => "i",
        _ => return None,
    })
}

/// Marks written inside words that are not separators.
fn is_apostrophe(c: char) -> bool {
    matches!(
        c,
        '\'' | '`' | '´' | '‘' | '’' | 'ʹ' | 'ʺ' | 'ʻ' | 'ʼ' | 'ʽ' | '′'
    )
}

/// Builds the spelled text: words of letters and digits, one space
/// between them.
struct Speller {
    out: String,
    gap: bool,
}

impl Speller {
    fn letters(&mut self, s: &str) {
        if s.is_empty() {
            return;
        }
        if self.gap && !self.out.is_empty() {
            self.out.push(' ');
        }
        self.gap = false;
        self.out.push_str(s);
    }

    fn letter(&mut self, c: char) {
        let mut b = [0; 4];
        self.letters(c.encode_utf8(&mut b));
    }

    /// One character already in lower case and without marks.
    fn plain(&mut self, c: char) {
        if let Some(s) = cyrillic(c).or_else(|| latin_extra(c)) {
            self.letters(s);
        } else if c.is_alphanumeric() {
            self.letter(c);
        } else if !is_apostrophe(c) {
            self.gap = true;
        }
    }

    fn char(&mut self, c: char) {
        if c.is_ascii() {
            if c.is_ascii_alphanumeric() {
                self.letter(c.to_ascii_lowercase());
            } else if !is_apostrophe(c) {
                self.gap = true;
            }
            return;
        }
        for l in c.to_lowercase() {
            // Before decomposing: й and ё are letters of their own.
            if let Some(s) = cyrillic(l) {
                self.letters(s);
                continue;
            }
            decompose_compatible(l, |d| {
                if !is_combining_mark(d) {
                    for d in d.to_lowercase() {
                        self.plain(d);
                    }
                }
            });
        }
    }
}

/// The text in lower case, without diacritics, Cyrillic in Latin letters,
/// apostrophes dropped, words separated by one space (step 1 of the key).
pub fn spell(text: &str) -> String {
    if text.is_ascii() {
        return spell_ascii(text.as_bytes());
    }
    let mut s = Speller {
        out: String::with_capacity(text.len()),
        gap: false,
    };
    // Composing matters only where a letter and a mark are apart (и and a
    // combining breve are й).
    if text.chars().any(is_combining_mark) {
        for c in text.nfc() {
            s.char(c);
        }
    } else {
        for c in text.chars() {
            s.char(c);
        }
    }
    s.out
}

/// [`spell`] of ASCII text.
fn spell_ascii(text: &[u8]) -> String {
    let mut out: Vec<u8> = Vec::with_capacity(text.len());
    let mut gap = false;
    for &b in text {
        if b.is_ascii_alphanumeric() {
            if gap && !out.is_empty() {
                out.push(b' ');
            }
            gap = false;
            out.push(b.to_ascii_lowercase());
        } else if b != b'\'' && b != b'`' {
            gap = true;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Appends the loosened form of one spelled word to `out` (step 2 of
/// the key). With `open`, the word may go on past its last letter (a
/// prefix being typed): its last `y` is left as it is.
///
/// The rules only read and write ASCII letters, so they work on the
/// bytes: the bytes of other letters pass through whole and in order.
pub fn loosen(word: &str, open: bool, out: &mut String) {
    loosen_with(word, open, out, &mut Scratch::default());
}

/// Buffers [`loosen`] reuses from word to word.
#[derive(Default)]
struct Scratch {
    one: Vec<u8>,
    two: Vec<u8>,
    three: Vec<u8>,
}

/// [`loosen`] with buffers kept between words.
fn loosen_with(word: &str, open: bool, out: &mut String, scratch: &mut Scratch) {
    let w = word.as_bytes();
    // Every rule needs one of these letters (the pairs end in h, s or z).
    if !b"hszxjyi".iter().any(|b| w.contains(b)) {
        out.push_str(word);
        return;
    }
    let vowel = |c: u8| matches!(c, b'a' | b'e' | b'i' | b'o' | b'u');
    let Scratch { one, two, three } = scratch;
    // Digraphs, x and j, left to right.
    one.clear();
    let mut i = 0;
    while let Some(&c) = w.get(i) {
        let at = |k: usize| w.get(i + k).copied();
        match (c, at(1)) {
            (b's', Some(b'h')) => {
                one.push(b's');
                i += if at(2) == Some(b'c') && at(3) == Some(b'h') {
                    4
                } else {
                    2
                };
            }
            (b'c', Some(b'h' | b'z')) | (b't', Some(b's')) => {
                one.push(b'c');
                i += 2;
            }
            (b'z', Some(b'h')) => {
                one.push(b'z');
                i += 2;
            }
            (b'k', Some(b'h')) => {
                one.push(b'h');
                i += 2;
            }
            (b'x', _) => {
                one.extend_from_slice(b"ks");
                i += 1;
            }
            (b'j', _) => {
                one.push(b'y');
                i += 1;
            }
            _ => {
                one.push(c);
                i += 1;
            }
        }
    }
    // The letter y.
    two.clear();
    for (i, &c) in one.iter().enumerate() {
        if c != b'y' {
            two.push(c);
            continue;
        }
        let next = one.get(i + 1).copied();
        let ending = !open && next == Some(b'y') && i + 2 == one.len();
        let after_vowel = i > 0 && one.get(i - 1).is_some_and(|&p| vowel(p));
        match next {
            Some(n) if vowel(n) => {}
            _ if ending => {}
            None if open => two.push(b'y'),
            None => two.push(b'i'),
            Some(_) if after_vowel => two.push(b'i'),
            Some(_) => two.push(b'y'),
        }
    }
    // Two i in a row, once.
    three.clear();
    for &c in two.iter() {
        if !(c == b'i' && three.last() == Some(&b'i')) {
            three.push(c);
        }
    }
    out.push_str(&String::from_utf8_lossy(three));
}

/// The look-up key of a name (see the module documentation): words of
/// the spelled text, each loosened, separated by one space.
pub fn name_key(text: &str) -> String {
    key_of_spelled(&spell(text), text)
}

/// [`name_key`] of `text`, whose [`spell`]ing is `spelled`.
pub fn key_of_spelled(spelled: &str, text: &str) -> String {
    if spelled.is_empty() {
        return text
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase();
    }
    let mut out = String::with_capacity(spelled.len());
    let mut scratch = Scratch::default();
    for (i, word) in spelled.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        loosen_with(word, false, &mut out, &mut scratch);
    }
    out
}

/// The keys that the names beginning with `text` begin with, spaces
/// left out: `text`'s key with its last word not ended, and when that
/// word ends in a letter that may be the start of a pair the key changes
/// (`k` of `kh`, `t` of `ts`, `y` before a vowel or at a word's end),
/// each thing that letter may become. Empty when `text` has no letter or
/// digit.
pub fn prefix_keys(text: &str) -> Vec<String> {
    let spelled = spell(text);
    prefix_keys_of(&spelled, &key_of_spelled(&spelled, text))
}

/// [`prefix_keys`] of a text whose [`spell`]ing is `spelled` and whose
/// key is `key`: every word but the last is as in the key.
pub fn prefix_keys_of(spelled: &str, key: &str) -> Vec<String> {
    let Some(last) = spelled.rsplit(' ').next().filter(|w| !w.is_empty()) else {
        return Vec::new();
    };
    let mut base: String;
    if last.ends_with(['y', 'j']) {
        let before = key.rsplit_once(' ').map_or("", |(b, _)| b);
        base = before.replace(' ', "");
        loosen(last, true, &mut base);
    } else {
        // Read right to left, an open word and an ended one differ only
        // when the last letter is a y.
        base = key.replace(' ', "");
    }
    let tails: &[&str] = match last.chars().last() {
        Some('k') => &["k", "h"],
        Some('t') => &["t", "c"],
        Some('y' | 'j') => &["y", "", "i"],
        _ => &[],
    };
    let ends_with = |s: &str| tails.first().is_some_and(|t| s.ends_with(t));
    if !ends_with(&base) {
        return vec![base];
    }
    base.pop();
    tails
        .iter()
        .map(|t| {
            let mut k = base.clone();
            // As in a key, `ii` is one `i`.
            if !(*t == "i" && k.ends_with('i')) {
                k.push_str(t);
            }
            k
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spelling_folds_case_diacritics_and_cyrillic() {
        assert_eq!(spell("  Škoda  Auto-Werke "), "skoda auto werke");
        assert_eq!(spell("Ærø Straße"), "aero strasse");
        assert_eq!(spell("O'Brien & Sons"), "obrien sons");
        assert_eq!(spell("Роснедра"), "rosnedra");
        assert_eq!(spell("Ростех"), "rostekh");
        assert_eq!(spell("Подъячев"), "podyachev");
        assert_eq!(spell("Щёкино"), "shchekino");
        // A decomposed й (и and a combining breve) is still й.
        assert_eq!(spell("Сергеи\u{306}"), "sergey");
        assert_eq!(spell("ﬁne Ｆｕｌｌ"), "fine full");
        assert_eq!(spell("Ελλάδα"), "ελλαδα");
        assert_eq!(spell("!!!"), "");
    }

    #[test]
    fn spellings_of_one_name_share_a_key() {
        let same = [
            &["Роснедра", "Rosnedra", "ROSNEDRA", "rosnedra"][..],
            &["Ростех", "Rostekh", "Rosteh", "ROSTEKH"],
            &["Томторское", "Tomtorskoye", "Tomtorskoe", "Tomtorskoje"],
            &[
                "Красноярский край",
                "Krasnoyarskiy kray",
                "Krasnoyarsky Krai",
                "Krasnojarskij kraj",
            ],
            &["Якутия", "Yakutia", "Yakutiya", "Jakutija", "Âkutiâ"],
            &["Жуков", "Zhukov", "Žukov"],
            &["Щукин", "Shchukin", "Ŝukin", "Shukin"],
            &["Царёв", "Tsarev", "Carev", "Czarev"],
            &["Юрий", "Yuriy", "Yury", "Yuri", "Jurij"],
            &["Алексей", "Aleksey", "Alexei", "Aleksei"],
            &["Ходорковский", "Khodorkovsky", "Khodorkovskiy"],
            &["Лукойл", "Lukoil", "LUKOIL"],
            &["Красный", "Krasny", "Krasnyy", "Krasnyi"],
            &[
                "Rosatom Nedra",
                "rosatom-nedra",
                "ROSATOM  NEDRA",
                "Rosatom. Nedra",
            ],
        ];
        for group in same {
            let key = name_key(group[0]);
            for s in group {
                assert_eq!(name_key(s), key, "{s} and {}", group[0]);
            }
        }
        assert_eq!(name_key("Красноярский край"), "krasnoarski krai");
        assert_eq!(name_key("Tomtorskoye"), "tomtorskoe");
    }

    #[test]
    fn different_names_keep_different_keys() {
        for (a, b) in [
            ("Rosatom", "Rosnedra"),
            ("Vyborg", "Viborg"),
            ("Mine 100", "Mine 10"),
            ("★", "☆"),
            ("Rostec", "Ростех"),
            ("ыыыыыы", "Y"),
        ] {
            assert_ne!(name_key(a), name_key(b), "{a} and {b}");
        }
        assert_eq!(name_key("  ★ ☆ "), "★ ☆");
    }

    #[test]
    fn a_prefix_keeps_each_way_its_last_letter_may_go_on() {
        assert_eq!(prefix_keys("Krasnoy"), ["krasnoy", "krasno", "krasnoi"]);
        assert_eq!(prefix_keys("Rostek"), ["rostek", "rosteh"]);
        assert_eq!(prefix_keys("Rost"), ["rost", "rosc"]);
        assert_eq!(prefix_keys("Krasnoyarsk Ter"), ["krasnoarskter"]);
        assert_eq!(prefix_keys("Росн"), ["rosn"]);
        assert!(prefix_keys(" - ").is_empty());
        let key = name_key("Krasnoyarsk Krai").replace(' ', "");
        for p in ["Krasnoy", "Krasnoya", "Красноя", "krasnoyarsk kr"] {
            assert!(
                prefix_keys(p).iter().any(|k| key.starts_with(k.as_str())),
                "{p}: {:?}",
                prefix_keys(p)
            );
        }
    }
}
