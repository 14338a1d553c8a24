#pragma once

#include <functional>

#include "bench/harness.hpp"

namespace kscope::bench {

/// Runs `phase` in a forked child process and returns its result, so each
/// phase's peak memory is its own: freed memory of an earlier phase stays
/// in a process's heap and would count again. Falls back to running it
/// here when this process has more than one thread (forking would copy a
/// process whose other threads are gone in the child).
phase_result run_isolated(const std::function<phase_result()>& phase);

} // namespace kscope::bench
