//! Config parsing never panics: arbitrary TOML text, and valid TOML whose every known key holds
//! a value of any type (a string where a number belongs, a negative interval, a huge integer,
//! an array, a table), go through the whole load with its validation. Each is either a config
//! or a `ConfigError`.

use std::io::Write;
use std::path::PathBuf;

use proptest::prelude::*;

use super::*;

fn load(text: &str) -> Result<Config, ConfigError> {
    let mut f = tempfile::NamedTempFile::new().unwrap();
    f.write_all(text.as_bytes()).unwrap();
    let overrides = Overrides {
        config_file: Some(f.path().to_path_buf()),
        data_dir: Some(PathBuf::from("/tmp/accessdesk-fuzz")),
        ..Overrides::default()
    };
    Config::load(&overrides, &[])
}

fn value() -> impl Strategy<Value = toml::Value> {
    let leaf = prop_oneof![
        any::<String>().prop_map(toml::Value::String),
        "[a-z:/._0-9-]{0,30}".prop_map(toml::Value::String),
        any::<i64>().prop_map(toml::Value::Integer),
        (-5i64..100_000).prop_map(toml::Value::Integer),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(toml::Value::Float),
        any::<bool>().prop_map(toml::Value::Boolean),
    ];
    leaf.prop_recursive(2, 8, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..3).prop_map(toml::Value::Array),
            prop::collection::btree_map("[a-z_]{1,8}", inner, 0..3)
                .prop_map(|m| toml::Value::Table(m.into_iter().collect())),
        ]
    })
}

/// Some of the known keys, each with any value.
fn table() -> impl Strategy<Value = toml::Table> {
    prop::collection::vec((prop::sample::select(FILE_KEYS.to_vec()), value()), 0..12).prop_map(
        |pairs| {
            let mut root = toml::Table::new();
            for (key, value) in pairs {
                match key.split_once('.') {
                    Some((section, name)) => {
                        let entry = root
                            .entry(section)
                            .or_insert_with(|| toml::Value::Table(toml::Table::new()));
                        if let toml::Value::Table(t) = entry {
                            t.insert(name.to_string(), value);
                        }
                    }
                    None => {
                        root.insert(key.to_string(), value);
                    }
                }
            }
            root
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn arbitrary_text_never_panics(text in any::<String>()) {
        let _ = load(&text);
    }

    #[test]
    fn toml_like_text_never_panics(
        lines in prop::collection::vec(
            "(\\[[a-z_.]{0,12}\\]|[a-z_.]{1,16} ?= ?(\"[^\"\\n]{0,12}\"|-?[0-9]{1,12}|true|\\[\\]|\\{\\}))",
            0..10,
        )
    ) {
        let _ = load(&lines.join("\n"));
    }

    #[test]
    fn any_value_for_any_known_key_never_panics(table in table()) {
        let text = toml::to_string(&table).unwrap();
        let _ = load(&text);
    }
}
