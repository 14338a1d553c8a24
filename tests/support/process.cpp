#include "tests/support/process.hpp"

#include <csignal>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace kscope::test {

process::process(std::vector<std::string> argv) {
  char tmpl[] = "/tmp/kscope-test-XXXXXX";
  int fd = mkstemp(tmpl);
  if (fd < 0)
    throw std::runtime_error("mkstemp failed");
  close(fd);
  log_path_ = tmpl;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null",
                                   O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log_path_.c_str(),
                                   O_WRONLY | O_APPEND, 0);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  std::vector<char*> args;
  for (auto& arg : argv)
    args.push_back(arg.data());
  args.push_back(nullptr);
  auto rc = posix_spawnp(&pid_, args[0], &actions, nullptr, args.data(),
                         environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0)
    throw std::runtime_error("cannot start " + argv[0]);
}

process::~process() {
  if (!exited_) {
    signal(SIGKILL);
    wait(std::chrono::seconds{5});
  }
  std::remove(log_path_.c_str());
}

int process::wait(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!exited_) {
    struct rusage usage {};
    auto rc = wait4(pid_, &status_, WNOHANG, &usage);
    if (rc == pid_) {
      exited_ = true;
      max_rss_kib_ = usage.ru_maxrss;
      break;
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      kill(pid_, SIGKILL);
      wait4(pid_, &status_, 0, &usage);
      exited_ = true;
      max_rss_kib_ = usage.ru_maxrss;
      return -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds{20});
  }
  if (WIFEXITED(status_))
    return WEXITSTATUS(status_);
  if (WIFSIGNALED(status_))
    return 128 + WTERMSIG(status_);
  return -1;
}

void process::signal(int sig) {
  if (!exited_)
    kill(pid_, sig);
}

std::string process::output() const {
  std::ifstream in{log_path_};
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

bool process::wait_for_output(const std::string& text,
                              std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (output().find(text) != std::string::npos)
      return true;
    if (!exited_ && waitpid(pid_, &status_, WNOHANG) == pid_)
      exited_ = true;
    if (exited_)
      return output().find(text) != std::string::npos;
    std::this_thread::sleep_for(std::chrono::milliseconds{20});
  }
  return false;
}

run_result run(std::vector<std::string> argv,
               std::chrono::milliseconds timeout) {
  process proc{std::move(argv)};
  auto code = proc.wait(timeout);
  return {code, proc.output()};
}

std::string kscope_binary() {
  return KSCOPE_BINARY;
}

} // namespace kscope::test
