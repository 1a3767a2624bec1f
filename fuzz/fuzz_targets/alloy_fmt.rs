//! Parser, checker and printer on arbitrary text: no panic, no stack
//! overflow, and `format` output parses to the same tree and is a fixed point.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|src: &str| {
    let Ok(file) = o11yc_alloy::parse(src) else {
        return;
    };
    let _ = o11yc_alloy::check(&file);
    if let Ok(once) = o11yc_alloy::format(src) {
        let again = o11yc_alloy::parse(&once).expect("format output parses");
        assert!(again.body == file.body, "format changed the tree");
        assert_eq!(o11yc_alloy::format(&once).as_deref(), Ok(once.as_str()));
    }
});
