//! Finding entities by what people type, through the `kg` binary: ids,
//! names and aliases in any case, with or without diacritics, in Cyrillic
//! or Latin letters, by a unique prefix or whole words; ambiguity errors
//! that list the candidates and "did you mean" suggestions. The rules
//! are in `src/graph/lookup.rs` and the README ("Finding entities by
//! name").
//!
//! `tests/data/lookup/names.json` is a small graph of made-up companies
//! and deposits with names in both alphabets; the built-in graph serves
//! where it has the names.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use common::{kg_in, root, Run};

use std::io::Write;
use std::process::Stdio;
use std::time::{Duration, Instant};

const NAMES: &str = "tests/data/lookup/names.json";

/// `kg ARGS` on the built-in graph.
fn run(args: &[&str]) -> Run {
    Run::from(kg_in(&root()).args(args).output().unwrap())
}

/// `kg -g names.json ARGS`.
fn on_names(args: &[&str]) -> Run {
    let mut all = vec!["-g", NAMES];
    all.extend_from_slice(args);
    run(&all)
}

/// `kg -g names.json ARGS` with `stdin` as standard input.
fn on_names_with_stdin(args: &[&str], stdin: &[u8]) -> Run {
    let mut child = kg_in(&root())
        .arg("-g")
        .arg(NAMES)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    let bytes = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(&bytes);
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    Run::from(out)
}

/// The id of the entity `kg show TEXT` finds in `names.json`.
fn found(text: &str) -> String {
    let r = on_names(&["show", text, "--format", "json"]);
    assert_eq!(r.code, 0, "kg show {text:?}: {}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    v["entity"]["id"].as_str().unwrap().to_string()
}

/// The error of `kg show TEXT` on `names.json`.
fn refused(text: &str) -> String {
    let r = on_names(&["show", text]);
    assert_eq!(r.code, 1, "kg show {text:?}: {}", r.stdout);
    assert_eq!(r.stdout, "");
    r.stderr
}

#[test]
fn an_exact_id_comes_first_and_an_id_in_another_case_counts_as_a_name() {
    assert_eq!(found("kola-3"), "kola-3");
    assert_eq!(found("Tsar-Mining"), "Tsar-Mining");
    assert_eq!(found("TSAR-MINING"), "Tsar-Mining");
    // "nickel" is an id, and a word of Norilsk Nickel's name: the id wins.
    assert_eq!(found("nickel"), "nickel");
    assert_eq!(found("NICKEL"), "nickel");
    assert_eq!(found(" kola-3 "), "kola-3");
}

#[test]
fn a_name_or_alias_is_found_in_any_case_and_without_its_diacritics() {
    for text in ["Škoda Auto", "skoda auto", "ŠKODA AUTO", "Skoda-Auto"] {
        assert_eq!(found(text), "skoda", "{text}");
    }
    for text in ["Nörilsk Nickel", "NORILSK NICKEL", "nornickel"] {
        assert_eq!(found(text), "nornickel", "{text}");
    }
    assert_eq!(found("sakha republic"), "yakutia");
    assert_eq!(found("y"), "yttrium");
}

#[test]
fn cyrillic_and_latin_spellings_meet_both_ways() {
    // A Cyrillic name, typed in either alphabet.
    for text in ["Rosnedra", "rosnedra", "ROSNEDRA", "Роснедра", "роснедра"] {
        assert_eq!(found(text), "rosnedra", "{text}");
    }
    // A Latin name with a Cyrillic alias; the ways х is written in Latin.
    for text in ["Rostec", "Ростех", "Rostekh", "Rosteh", "ROSTEKH"] {
        assert_eq!(found(text), "rostec", "{text}");
    }
    // A Latin name typed in Cyrillic, and the other way.
    assert_eq!(found("Якутия"), "yakutia");
    assert_eq!(found("Полар Металс"), "polar-metals");
    for text in [
        "Severnaya Gornaya Kompaniya",
        "Severnaja Gornaja Kompanija",
        "severnaya gornaya kompaniya",
    ] {
        assert_eq!(found(text), "sgk", "{text}");
    }
    assert_eq!(found("Polyarnye metally"), "polar-metals");
    assert_eq!(found("Nornikel"), "nornickel");
}

#[test]
fn a_unique_prefix_finds_the_entity() {
    assert_eq!(found("Norils"), "nornickel");
    assert_eq!(found("Severnaya Gor"), "sgk");
    assert_eq!(found("Северная"), "sgk");
    assert_eq!(found("Ytt"), "yttrium");
    // The built-in graph: Krasnoyarsk Territory, also known as
    // Krasnoyarsk Krai.
    for text in ["Krasnoyarsk", "krasnoy", "Красноярск"] {
        let r = run(&["show", text]);
        assert_eq!(r.code, 0, "{text}: {}", r.stderr);
        assert!(
            r.stdout
                .starts_with("Krasnoyarsk Territory  [Region]  id: krasnoyarsk-territory\n"),
            "{text}: {}",
            r.stdout
        );
    }
}

#[test]
fn whole_words_find_the_entity() {
    // Every typed word is a word of the name.
    assert_eq!(found("Auto"), "skoda");
    assert_eq!(found("Metals Polar"), "polar-metals");
    // The name and more words, the name at least half of them.
    assert_eq!(found("Polar Metals Group"), "polar-metals");
    assert_eq!(found("the Kola 4 deposit"), "kola-4");
    for text in ["Tomtorskoye deposit", "Tomtor deposit"] {
        let r = run(&["show", text]);
        assert_eq!(r.code, 0, "{text}: {}", r.stderr);
        assert!(
            r.stdout
                .starts_with("Tomtorskoye  [Deposit]  id: tomtorskoye\n"),
            "{text}: {}",
            r.stdout
        );
    }
    let r = run(&["show", "the Tomtor deposit and its neighbours"]);
    assert_eq!(r.code, 1, "{}", r.stdout);
}

#[test]
fn an_ambiguous_prefix_lists_the_candidates_with_names_and_ids() {
    assert_eq!(
        refused("Kola"),
        "kg: \"Kola\" is ambiguous: it is part of the names of kola-1 (Kola 1, Deposit), \
         or kola-2 (Kola 2, Deposit), or kola-3 (Kola 3, Deposit), or kola-4 (Kola 4, Deposit), \
         or kola-5 (Kola 5, Deposit), or kola-6 (Kola 6, Deposit), or kola-7 (Kola 7, Deposit), \
         or kola-8 (Kola 8, Deposit), or kola-9 (Kola 9, Deposit), or kola-10 (Kola 10, Deposit), \
         or 2 more; type more of the name, or use the id\n"
    );
    // One name shared by two spellings: the one spelled as typed wins,
    // and a third spelling is ambiguous.
    assert_eq!(found("Car"), "car-holding");
    assert_eq!(found("tsar"), "Tsar-Mining");
    assert_eq!(
        refused("Czar"),
        "kg: \"Czar\" is ambiguous: it could be Tsar-Mining (Tsar, Company), or car-holding (Car, Company); use the id instead\n"
    );
    // The built-in graph.
    let r = run(&["show", "Ros"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.starts_with(
            "kg: \"Ros\" is ambiguous: it is part of the names of russia (Russia, Country), or rostec (Rostec, Company), or rosatom (Rosatom, Company)"
        ),
        "{}",
        r.stderr
    );
}

#[test]
fn an_unknown_name_suggests_main_names_with_ids_at_most_five() {
    // Through an alias (Nornickel), the main name is suggested.
    assert_eq!(
        refused("Nornickle"),
        "kg: no entity is called \"Nornickle\"; did you mean \"Norilsk Nickel\" (nornickel)?\n"
    );
    // Seven names are one letter away: the five closest, shortest
    // difference in length first.
    assert_eq!(
        refused("Kola 13"),
        "kg: no entity is called \"Kola 13\"; did you mean \"Kola 10\" (kola-10), \"Kola 11\" (kola-11), \
         \"Kola 12\" (kola-12), \"Kola 1\" (kola-1), \"Kola 3\" (kola-3)?\n"
    );
    // A name sharing a word.
    assert_eq!(
        refused("Polar Metals Mining Holding Group"),
        "kg: no entity is called \"Polar Metals Mining Holding Group\"; did you mean \"Polar Metals\" (polar-metals)?\n"
    );
    // The built-in graph.
    assert_eq!(
        run(&["show", "Krasnoyarsk region"]).stderr,
        "kg: no entity is called \"Krasnoyarsk region\"; did you mean \"Krasnoyarsk Territory\" (krasnoyarsk-territory)?\n"
    );
}

#[test]
fn one_letter_aliases_are_never_suggested() {
    // N is an alias of Norilsk Nickel, Y of Yttrium.
    assert_eq!(
        refused("Nn"),
        "kg: no entity is called \"Nn\"; did you mean \"Ni\" (nickel)?\n"
    );
    assert_eq!(
        refused("Yakutsk Energy"),
        "kg: no entity is called \"Yakutsk Energy\"\n"
    );
    // The built-in graph has Yttrium, alias Y.
    for text in ["Yakutsk deposit", "Tomtorskaya", "Y-88"] {
        let r = run(&["show", text]);
        assert_eq!(r.code, 1, "{text}: {}", r.stdout);
        assert!(!r.stderr.contains("\"Y\""), "{text}: {}", r.stderr);
        assert!(!r.stderr.contains("(yttrium)"), "{text}: {}", r.stderr);
    }
}

#[test]
fn a_cyrillic_typo_gets_a_suggestion() {
    assert_eq!(
        refused("Роснедар"),
        "kg: no entity is called \"Роснедар\"; did you mean \"Роснедра\" (rosnedra)?\n"
    );
    assert_eq!(
        refused("Rosnedar"),
        "kg: no entity is called \"Rosnedar\"; did you mean \"Роснедра\" (rosnedra)?\n"
    );
    assert_eq!(
        refused("Ростекс"),
        "kg: no entity is called \"Ростекс\"; did you mean \"Rostec\" (rostec)?\n"
    );
}

#[test]
fn every_command_and_statement_that_takes_a_name_looks_it_up_the_same_way() {
    let table = |r: &Run| {
        assert_eq!(r.code, 0, "{}", r.stderr);
        r.stdout.clone()
    };
    let owners = table(&on_names(&[
        "owners",
        "Polyarnye metally",
        "--format",
        "csv",
    ]));
    assert_eq!(
        owners.lines().nth(1).unwrap(),
        "Северная Горная Компания,sgk,OWNS,100,,,true,[]"
    );
    let holdings = table(&on_names(&[
        "holdings",
        "--ultimate",
        "Severnaya Gornaya",
        "--format",
        "csv",
    ]));
    assert!(holdings.contains("\nKola 3,kola-3,60.0,"), "{holdings}");
    let path = table(&on_names(&["path", "SGK", "kola 3"]));
    assert!(
        path.contains("Северная Горная Компания -[OWNS]-> Polar Metals -[OWNS]-> Kola 3"),
        "{path}"
    );
    let q = table(&on_names(&[
        "query",
        "--format",
        "csv",
        "OWNERS OF 'Полар Металс'; HOLDINGS OF $n; PATH FROM 'severnaya gornaya kompaniya' TO 'Kola 3'",
        "-p",
        "n=SGK",
    ]));
    assert!(q.starts_with("owner,id,"), "{q}");
    assert!(q.contains("Северная Горная Компания,sgk,OWNS,100"), "{q}");
    assert!(q.contains("Polar Metals,polar-metals,OWNS,100"), "{q}");
    assert!(q.contains("Kola 3"), "{q}");
    // The same errors.
    let r = on_names(&["owners", "Kola"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.starts_with(
            "kg: \"Kola\" is ambiguous: it is part of the names of kola-1 (Kola 1, Deposit)"
        ),
        "{}",
        r.stderr
    );
    let r = on_names(&["path", "Роснедар", "SGK"]);
    assert_eq!(
        r.stderr,
        "kg: no entity is called \"Роснедар\"; did you mean \"Роснедра\" (rosnedra)?\n"
    );
    let r = on_names(&["query", "HOLDINGS OF 'Роснедар'"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.starts_with("error at line 1, column 13: no entity is called \"Роснедар\"; did you mean \"Роснедра\" (rosnedra)?\n"),
        "{}",
        r.stderr
    );
    // The shell's :show and its statements.
    let r = on_names_with_stdin(
        &["shell"],
        ":show Ростех\nOWNERS OF 'Polar Metals';\n:show Kola\n".as_bytes(),
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stdout.starts_with("Rostec  [Company]  id: rostec\n"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("| Северная Горная Компания | sgk |"),
        "{}",
        r.stdout
    );
    assert!(
        r.stderr
            .contains("\"Kola\" is ambiguous: it is part of the names of kola-1"),
        "{}",
        r.stderr
    );
}

/// About a megabyte of words, Latin and Cyrillic, that name nothing.
fn megabyte_name() -> String {
    let mut x: u64 = 7;
    let mut text = String::new();
    let letters: Vec<char> = "abcdefghijklmnopqrstuvwxyzабвгдежзийклмнопрстуфхцчшщыэюя"
        .chars()
        .collect();
    while text.len() < 1 << 20 {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let len = 1 + (x >> 60) as usize % 8;
        for i in 0..len {
            let at = ((x >> (8 + 5 * i)) as usize) % letters.len();
            text.push(letters[at]);
        }
        text.push(' ');
    }
    text.push_str("Kola");
    text
}

#[test]
fn a_megabyte_name_gets_its_error_within_a_second() {
    let name = megabyte_name();
    let single = "N".repeat(1 << 20);
    for name in [&name, &single] {
        let started = Instant::now();
        let r = on_names_with_stdin(&["shell"], format!(":show {name}\n").as_bytes());
        let took = started.elapsed();
        assert_eq!(r.code, 1, "{}", r.stdout);
        assert!(
            r.stderr.starts_with("no entity is called \""),
            "{}",
            &r.stderr[..200.min(r.stderr.len())]
        );
        let characters = format!(" ({} characters)\n", name.chars().count());
        assert!(
            r.stderr.contains(&characters),
            "{}",
            &r.stderr[..300.min(r.stderr.len())]
        );
        assert!(took < Duration::from_secs(1), "took {took:?}");
    }
    // Through a query statement too.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("big.cypher");
    std::fs::write(&file, format!("OWNERS OF '{single}'")).unwrap();
    let started = Instant::now();
    let r = on_names(&[
        "query",
        "--max-query-bytes",
        "2000000",
        "-f",
        file.to_str().unwrap(),
    ]);
    let took = started.elapsed();
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("no entity is called \"NNNN"),
        "{}",
        &r.stderr[..200.min(r.stderr.len())]
    );
    assert!(took < Duration::from_secs(1), "took {took:?}");
}

/// `tests/data/lookup/bad-names.json`: texts that name nothing, each with
/// the exact error `kg show` gives. Each is also tried through `OWNERS
/// OF`, which must fail the same way (exit 1, no panic).
#[test]
fn every_bad_name_gets_its_exact_error() {
    let text = std::fs::read_to_string(root().join("tests/data/lookup/bad-names.json")).unwrap();
    let cases: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap();
    assert!(cases.len() >= 8, "only {} bad names", cases.len());
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let error = case["error"].as_str().unwrap();
        assert_eq!(refused(name), error, "{name:?}");
        let r = on_names(&["query", "OWNERS OF $n", "-p", &format!("n={name}")]);
        assert_eq!(r.code, 1, "{name:?}: {}", r.stdout);
        assert!(!r.stderr.contains("panicked"), "{name:?}: {}", r.stderr);
    }
}

#[test]
fn a_name_many_entities_share_lists_the_first_ids_in_order() {
    // Twelve entities called "Same", the one whose id sorts first written
    // last: the message lists the first ten ids in order, then "2 more".
    let dir = tempfile::tempdir().unwrap();
    let mut ids: Vec<String> = (0..11).map(|i| format!("m{i:02}")).collect();
    ids.push("a1".into());
    let entities: Vec<serde_json::Value> = ids
        .iter()
        .map(|id| serde_json::json!({"id": id, "labels": ["Company"], "name": "Same"}))
        .collect();
    let graph = serde_json::json!({"kg": 1, "entities": entities, "relations": []});
    let file = dir.path().join("same.json");
    std::fs::write(&file, graph.to_string()).unwrap();
    let r = run(&["-g", file.to_str().unwrap(), "show", "same"]);
    assert_eq!(r.code, 1);
    let listed: Vec<String> = std::iter::once("a1".to_string())
        .chain((0..9).map(|i| format!("m{i:02}")))
        .map(|id| format!("{id} (Same, Company)"))
        .collect();
    assert_eq!(
        r.stderr,
        format!(
            "kg: \"same\" is ambiguous: it could be {}, or 2 more; use the id instead\n",
            listed.join(", or ")
        )
    );
}
