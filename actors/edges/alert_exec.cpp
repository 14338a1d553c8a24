#include "actors/edges/alert_exec.hpp"

#include <cerrno>
#include <csignal>
#include <cstring>

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace kscope {

namespace {

constexpr size_t max_output = 4096;

/// Lines of `text` (at most max_output bytes of it), each prefixed.
void log_lines(const std::function<void(const std::string&)>& log,
               const std::string& prefix, const std::string& text) {
  size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    auto line = text.substr(start, end == std::string::npos ? std::string::npos
                                                            : end - start);
    // What the hook printed is shown, never interpreted.
    for (auto& c : line)
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
        c = '?';
    if (!line.empty())
      log(prefix + line);
    if (end == std::string::npos)
      break;
    start = end + 1;
  }
}

} // namespace

alert_exec::alert_exec(std::string command, std::chrono::milliseconds limit,
                       std::function<void(const std::string&)> log)
  : command_(std::move(command)), limit_(limit), log_(std::move(log)) {
  if (!log_)
    log_ = [](const std::string&) {};
  worker_ = std::thread{[this] { loop(); }};
}

alert_exec::~alert_exec() {
  {
    std::lock_guard<std::mutex> guard{mtx_};
    stopping_ = true;
  }
  cv_.notify_all();
  worker_.join();
}

void alert_exec::submit(std::string json, env_list env) {
  {
    std::lock_guard<std::mutex> guard{mtx_};
    if (queue_.size() >= max_queued) {
      if (dropped_++ == 0)
        log_("alert-exec: over " + std::to_string(max_queued)
             + " events waiting; further ones are dropped (and counted)");
      return;
    }
    queue_.push_back(job{std::move(json), std::move(env)});
  }
  cv_.notify_one();
}

void alert_exec::set_log(std::function<void(const std::string&)> log) {
  std::lock_guard<std::mutex> guard{mtx_};
  if (log)
    log_ = std::move(log);
  else
    log_ = [](const std::string&) {};
}

uint64_t alert_exec::dropped() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return dropped_;
}

void alert_exec::loop() {
  for (;;) {
    job next;
    {
      std::unique_lock<std::mutex> guard{mtx_};
      cv_.wait(guard, [this] { return stopping_ || !queue_.empty(); });
      // Events queued at a stop still run: they are transitions someone
      // is waiting to hear of.
      if (queue_.empty())
        return;
      next = std::move(queue_.front());
      queue_.pop_front();
    }
    run(next);
  }
}

void alert_exec::run(const job& x) {
  std::function<void(const std::string&)> say;
  {
    std::lock_guard<std::mutex> guard{mtx_};
    say = log_;
  }
  int in[2];
  int out[2];
  if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0) {
    say(std::string{"alert-exec: cannot make a pipe: "} + std::strerror(errno));
    return;
  }
  std::vector<std::string> env_text;
  for (char** e = environ; *e != nullptr; ++e)
    env_text.emplace_back(*e);
  for (auto& [key, value] : x.env)
    env_text.push_back(key + "=" + value);
  std::vector<char*> envp;
  for (auto& e : env_text)
    envp.push_back(e.data());
  envp.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in[0], 0);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_adddup2(&actions, out[1], 2);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  // Its own process group, so a time-out kills what it started too.
  posix_spawnattr_setpgroup(&attr, 0);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP
                                    | POSIX_SPAWN_SETSIGMASK);
  std::string sh = "/bin/sh";
  std::string dash_c = "-c";
  auto cmd = command_;
  char* argv[] = {sh.data(), dash_c.data(), cmd.data(), nullptr};
  pid_t pid = 0;
  auto rc = posix_spawn(&pid, "/bin/sh", &actions, &attr, argv, envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  close(in[0]);
  close(out[1]);
  if (rc != 0) {
    close(in[1]);
    close(out[0]);
    say(std::string{"alert-exec: cannot start /bin/sh: "} + std::strerror(rc));
    return;
  }
  // The event on stdin; a hook that does not read it gets EPIPE, not us a
  // SIGPIPE (MSG_NOSIGNAL does not apply to pipes: ignore it per write).
  {
    sigset_t pipe_set;
    sigemptyset(&pipe_set);
    sigaddset(&pipe_set, SIGPIPE);
    sigset_t old;
    pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
    size_t done = 0;
    while (done < x.json.size()) {
      auto n = write(in[1], x.json.data() + done, x.json.size() - done);
      if (n <= 0)
        break;
      done += static_cast<size_t>(n);
    }
    close(in[1]);
    timespec zero{0, 0};
    while (sigtimedwait(&pipe_set, nullptr, &zero) > 0) {
    }
    pthread_sigmask(SIG_SETMASK, &old, nullptr);
  }
  std::string output;
  auto deadline = std::chrono::steady_clock::now() + limit_;
  bool timed_out = false;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      break;
    }
    pollfd p{out[0], POLLIN, 0};
    auto ready = poll(&p, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR)
      continue;
    if (ready <= 0) {
      timed_out = ready == 0;
      break;
    }
    char buf[1024];
    auto n = read(out[0], buf, sizeof(buf));
    if (n <= 0)
      break;
    if (output.size() < max_output)
      output.append(buf, std::min(static_cast<size_t>(n),
                                  max_output - output.size()));
  }
  close(out[0]);
  if (timed_out)
    kill(-pid, SIGKILL);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  log_lines(say, "alert-exec: ", output);
  if (timed_out)
    say("alert-exec: killed after " + std::to_string(limit_.count())
         + " ms (the time limit)");
  else if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
    say("alert-exec: exited with " + std::to_string(WEXITSTATUS(status)));
  else if (WIFSIGNALED(status))
    say("alert-exec: killed by signal " + std::to_string(WTERMSIG(status)));
}

} // namespace kscope
