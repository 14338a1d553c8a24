#include "bench/isolate.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iomanip>
#include <sstream>
#include <string>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace kscope::bench {

namespace {

/// Calls `f(name, field)` for every field of a phase result: the one list
/// both ends of the pipe agree on.
template <class F>
void visit_fields(phase_result& x, F&& f) {
  f("pipeline", x.pipeline);
  f("sent", x.sent);
  f("delivered", x.delivered);
  f("failed", x.failed);
  f("received", x.received);
  f("lost", x.lost);
  f("duplicates", x.duplicates);
  f("malformed", x.malformed);
  f("bytes", x.bytes);
  f("produce.msgs", x.produce.msgs_per_s);
  f("produce.mb", x.produce.mb_per_s);
  f("consume.msgs", x.consume.msgs_per_s);
  f("consume.mb", x.consume.mb_per_s);
  f("e2e.msgs", x.end_to_end.msgs_per_s);
  f("e2e.mb", x.end_to_end.mb_per_s);
  f("latency.count", x.latency.count);
  f("latency.p50", x.latency.p50_ms);
  f("latency.p99", x.latency.p99_ms);
  f("latency.p999", x.latency.p999_ms);
  f("latency.max", x.latency.max_ms);
  f("latency.mean", x.latency.mean_ms);
  f("cpu", x.cpu_s);
  f("cpu.system", x.cpu_system_s);
  f("switches", x.context_switches);
  f("broker.cpu", x.broker_cpu_s);
  f("rss", x.peak_rss_mb);
  f("wall", x.wall_s);
  f("error", x.error);
}

std::string serialize(phase_result x) {
  std::ostringstream out;
  out << std::setprecision(17);
  visit_fields(x, [&](const char* name, auto& field) {
    out << name << ' ';
    if constexpr (std::is_same_v<std::decay_t<decltype(field)>, std::string>)
      for (char c : field)
        out << (c == '\n' ? ' ' : c);
    else
      out << field;
    out << '\n';
  });
  return out.str();
}

phase_result deserialize(const std::string& text) {
  phase_result result;
  std::istringstream in{text};
  for (std::string line; std::getline(in, line);) {
    auto space = line.find(' ');
    if (space == std::string::npos)
      continue;
    auto key = line.substr(0, space);
    auto value = line.substr(space + 1);
    visit_fields(result, [&](const char* name, auto& field) {
      if (key != name)
        return;
      if constexpr (std::is_same_v<std::decay_t<decltype(field)>,
                                   std::string>)
        field = value;
      else
        std::istringstream{value} >> field;
    });
  }
  return result;
}

bool single_threaded() {
  std::error_code ec;
  auto tasks = std::filesystem::directory_iterator{"/proc/self/task", ec};
  if (ec)
    return false;
  return std::distance(tasks, std::filesystem::directory_iterator{}) == 1;
}

} // namespace

phase_result run_isolated(const std::function<phase_result()>& phase) {
  if (!single_threaded())
    return phase();
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0)
    return phase();
  pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    return phase();
  }
  if (pid == 0) {
    close(fds[0]);
    auto text = serialize(phase());
    for (size_t done = 0; done < text.size();) {
      auto n = write(fds[1], text.data() + done, text.size() - done);
      if (n <= 0)
        break;
      done += static_cast<size_t>(n);
    }
    // No destructors, no atexit handlers: they belong to the parent.
    _exit(0);
  }
  close(fds[1]);
  std::string text;
  char buf[4096];
  for (;;) {
    auto n = read(fds[0], buf, sizeof(buf));
    if (n > 0)
      text.append(buf, static_cast<size_t>(n));
    else if (n == 0 || errno != EINTR)
      break;
  }
  close(fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  auto result = deserialize(text);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || text.empty())
    result.error = "the phase's process died"
                   + (WIFSIGNALED(status)
                        ? std::string{" (signal "}
                            + std::to_string(WTERMSIG(status)) + ")"
                        : std::string{});
  return result;
}

} // namespace kscope::bench
