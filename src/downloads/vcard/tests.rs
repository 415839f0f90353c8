use super::*;
use crate::resume::load;

fn resume(toml: &str) -> Resume {
    load::parse_str(toml, "test.toml").expect("the test résumé loads")
}

/// A reader's view of a card: lines unfolded (RFC 6350 §3.2), each split into its
/// name with parameters and its value.
fn parse(card: &str) -> Vec<(String, String)> {
    assert!(card.ends_with("\r\n"), "every line ends in CRLF");
    let unfolded = card.replace("\r\n ", "").replace("\r\n\t", "");
    unfolded
        .split("\r\n")
        .filter(|line| !line.is_empty())
        .map(|line| {
            let (name, value) = line.split_once(':').expect("NAME:value");
            (name.to_owned(), value.to_owned())
        })
        .collect()
}

/// A text value's components (split at unescaped `;`), unescaped (RFC 6350 §3.4).
fn components(value: &str) -> Vec<String> {
    let mut parts = vec![String::new()];
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('n' | 'N') => parts.last_mut().unwrap().push('\n'),
                Some(escaped) => parts.last_mut().unwrap().push(escaped),
                None => panic!("a lone backslash ends {value:?}"),
            },
            ';' => parts.push(String::new()),
            c => parts.last_mut().unwrap().push(c),
        }
    }
    parts
}

fn value<'a>(card: &'a [(String, String)], name: &str) -> Vec<&'a str> {
    card.iter().filter(|(n, _)| n == name).map(|(_, v)| v.as_str()).collect()
}

const FULL: &str = r#"[basics]
name = "Ada King, Countess of Lovelace; née Byron \\ mathematician"
label = "Analyst, Engine; Notes"
email = "ada@example.org"
phone = "+44 20 7946 0000"
url = "https://ada.example/"
location = { address = ["12 St James's Square"], city = "London", postal_code = "SW1Y 4JH", country_code = "GB" }
profiles = [{ network = "GitHub", url = "https://github.com/ada" }, { network = "Mastodon", username = "@ada" }]
"#;

#[test]
fn a_card_has_every_way_to_reach_the_person_and_reads_back() {
    let card = vcard(&resume(FULL)).expect("a name and ways to reach her");
    let parsed = parse(&card);
    assert_eq!(parsed.first().map(|(n, v)| (n.as_str(), v.as_str())), Some(("BEGIN", "VCARD")));
    assert_eq!(parsed[1], ("VERSION".to_owned(), "3.0".to_owned()), "VERSION comes right after BEGIN");
    assert_eq!(parsed.last().map(|(n, v)| (n.as_str(), v.as_str())), Some(("END", "VCARD")));
    let name = "Ada King, Countess of Lovelace; née Byron \\ mathematician";
    assert_eq!(components(value(&parsed, "FN")[0]), [name]);
    assert_eq!(
        components(value(&parsed, "N")[0]),
        ["mathematician", "Ada King, Countess of Lovelace; née Byron \\", "", "", ""]
    );
    assert_eq!(components(value(&parsed, "TITLE")[0]), ["Analyst, Engine; Notes"]);
    assert_eq!(value(&parsed, "EMAIL;TYPE=INTERNET"), ["ada@example.org"]);
    assert_eq!(value(&parsed, "TEL;TYPE=VOICE"), ["+44 20 7946 0000"]);
    let address = components(value(&parsed, "ADR;TYPE=WORK")[0]);
    assert_eq!(address, ["", "", "12 St James's Square", "London", "", "SW1Y 4JH", "GB"]);
    assert_eq!(value(&parsed, "URL"), ["https://ada.example/", "https://github.com/ada"]);
}

#[test]
fn long_lines_fold_at_75_octets_on_character_boundaries() {
    let long = format!(
        "[basics]\nname = \"Zoë {}\"\nemail = \"z@example.org\"\n",
        "Ünïcödé-Ñámé ".repeat(12).trim()
    );
    let card = vcard(&resume(&long)).unwrap();
    let physical: Vec<&str> = card.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert!(physical.iter().all(|line| line.len() <= LINE_OCTETS), "{physical:#?}");
    assert!(physical.iter().filter(|line| line.starts_with(' ')).count() >= 4, "the long names were folded");
    let fn_value = &value(&parse(&card), "FN")[0].to_string();
    assert_eq!(components(fn_value)[0].split_whitespace().count(), 13, "unfolding gives the name back");
    let exact = fold(&"x".repeat(LINE_OCTETS));
    assert_eq!(exact, format!("{}\r\n", "x".repeat(LINE_OCTETS)), "75 octets fit on one line");
    assert_eq!(
        fold(&"é".repeat(38)),
        format!("{}\r\n é\r\n", "é".repeat(37)),
        "76 octets: the last é moves whole"
    );
}

#[test]
fn a_place_written_as_one_line_is_the_locality() {
    let card = vcard(&resume("[basics]\nname = \"Ada\"\nemail = \"a@example.org\"\nlocation = \"Berlin\"\n"))
        .unwrap();
    let address = components(value(&parse(&card), "ADR;TYPE=WORK")[0]);
    assert_eq!(address, ["", "", "", "Berlin", "", "", ""]);
    assert_eq!(
        components(value(&parse(&card), "N")[0]),
        ["Ada", "", "", "", ""],
        "one word: the family name"
    );
}

#[test]
fn there_is_no_card_without_a_name_or_a_way_to_reach_them() {
    assert_eq!(
        vcard(&resume("[basics]\nlabel = \"Engineer\"\nemail = \"e@example.org\"\n")),
        None,
        "no name"
    );
    assert_eq!(
        vcard(&resume("[basics]\nname = \"Ada\"\nlabel = \"Engineer\"\nlocation = \"Berlin\"\n")),
        None
    );
    let profile_only =
        "[basics]\nname = \"Ada\"\nprofiles = [{ network = \"GitHub\", url = \"https://github.com/ada\" }]\n";
    assert!(vcard(&resume(profile_only)).is_some(), "a profile's address is a way to reach her");
    let shipped =
        load::read(std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/resume.toml"))).unwrap();
    assert_eq!(vcard(&shipped.resume), None, "the shipped résumé has no name");
}
