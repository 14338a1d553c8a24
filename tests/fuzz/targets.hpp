#pragma once

// The entry functions of kscope's fuzz harnesses. libFuzzer calls them
// through LLVMFuzzerTestOneInput (tests/fuzz/*.fuzz.cpp); the normal suite
// replays the seed corpus through the same functions (tests/fuzz.test.cpp),
// so the corpus is checked on every build, with or without clang.
//
// Each function returns normally for any input and aborts (through
// fuzz_check) when an invariant breaks.

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace kscope::fuzz {

/// The payload decoder on arbitrary bytes (all three formats are detected
/// from the content). A decoded sample must hold only finite percentages in
/// 0..100 and a bounded host and core count, and must survive re-encoding in
/// every format and decoding again.
void payload(std::string_view data);

/// `--config FILE <subcommand>` with the bytes as the file's text; the
/// first byte picks the subcommand. Values that parse are then put through
/// the same validators the roles use.
void config(std::string_view data);

/// The command line: the bytes split at NUL into arguments after `kscope`.
/// Values that parse are then put through the roles' validators.
void cli(std::string_view data);

/// Aborts with `what` when `ok` is false: an invariant broke.
void fuzz_check(bool ok, const char* what);

} // namespace kscope::fuzz
