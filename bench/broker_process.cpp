#include "bench/broker_process.hpp"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <thread>

#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <librdkafka/rdkafka.h>

namespace kscope::bench {

std::unique_ptr<broker_process>
broker_process::start(const std::string& binary,
                      const std::vector<std::string>& topics,
                      std::string& err) {
  std::vector<std::string> args{binary, "broker"};
  for (const auto& topic : topics) {
    args.push_back("--topic");
    args.push_back(topic);
  }
  // Built before fork: the child may only call async-signal-safe functions.
  std::vector<char*> argv;
  for (auto& arg : args)
    argv.push_back(arg.data());
  argv.push_back(nullptr);
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    err = std::string{"pipe: "} + std::strerror(errno);
    return nullptr;
  }
  int devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
  pid_t pid = fork();
  if (pid < 0) {
    err = std::string{"fork: "} + std::strerror(errno);
    close(fds[0]);
    close(fds[1]);
    close(devnull);
    return nullptr;
  }
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    dup2(fds[1], STDOUT_FILENO);
    if (devnull >= 0)
      dup2(devnull, STDERR_FILENO);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(fds[1]);
  if (devnull >= 0)
    close(devnull);
  std::unique_ptr<broker_process> result{new broker_process};
  result->pid_ = pid;
  result->out_fd_ = fds[0];
  // The first line on its stdout is the bootstrap address.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{10};
  std::string line;
  while (line.find('\n') == std::string::npos) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                  deadline - std::chrono::steady_clock::now())
                  .count();
    pollfd pfd{fds[0], POLLIN, 0};
    if (left <= 0 || poll(&pfd, 1, static_cast<int>(left)) <= 0) {
      err = "the embedded broker (" + binary + " broker) did not start";
      return nullptr;
    }
    char buf[256];
    auto n = read(fds[0], buf, sizeof(buf));
    if (n <= 0) {
      err = "the embedded broker (" + binary + " broker) exited";
      return nullptr;
    }
    line.append(buf, static_cast<size_t>(n));
  }
  result->bootstrap_ = line.substr(0, line.find('\n'));
  return result;
}

broker_process::~broker_process() {
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    int status = 0;
    bool reaped = false;
    for (int i = 0; i < 100 && !reaped; ++i) {
      reaped = waitpid(pid_, &status, WNOHANG) == pid_;
      if (!reaped)
        std::this_thread::sleep_for(std::chrono::milliseconds{50});
    }
    if (!reaped) {
      kill(pid_, SIGKILL);
      waitpid(pid_, &status, 0);
    }
  }
  if (out_fd_ >= 0)
    close(out_fd_);
}

namespace {

/// A client for Admin API calls; null and `err` on failure.
std::unique_ptr<rd_kafka_t, kafka_deleter>
admin_client(const std::string& brokers,
             const std::vector<kafka_property>& properties, std::string& err) {
  kafka_config conf;
  if (auto e = conf.set("bootstrap.servers", brokers)) {
    err = *e;
    return nullptr;
  }
  if (auto e = conf.set_all(properties, "-X")) {
    err = *e;
    return nullptr;
  }
  rd_kafka_conf_set_log_cb(conf.get(), [](const rd_kafka_t*, int, const char*,
                                          const char*) {});
  char errstr[512];
  std::unique_ptr<rd_kafka_t, kafka_deleter> rk{
    rd_kafka_new(RD_KAFKA_PRODUCER, conf.get(), errstr, sizeof(errstr))};
  if (!rk) {
    err = errstr;
    return nullptr;
  }
  conf.release();
  return rk;
}

} // namespace

bool create_topics(const std::string& brokers,
                   const std::vector<kafka_property>& properties,
                   const std::vector<std::string>& topics, std::string& err) {
  auto rk = admin_client(brokers, properties, err);
  if (!rk)
    return false;
  std::vector<rd_kafka_NewTopic_t*> specs;
  char errstr[512];
  for (const auto& topic : topics)
    specs.push_back(rd_kafka_NewTopic_new(topic.c_str(), 1, 1, errstr,
                                          sizeof(errstr)));
  auto* queue = rd_kafka_queue_new(rk.get());
  rd_kafka_CreateTopics(rk.get(), specs.data(), specs.size(), nullptr, queue);
  auto* event = rd_kafka_queue_poll(queue, 30000);
  bool ok = false;
  if (event == nullptr) {
    err = "creating the bench topics on " + brokers + " timed out";
  } else if (rd_kafka_event_error(event) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    err = std::string{"creating the bench topics failed: "}
          + rd_kafka_event_error_string(event);
  } else {
    ok = true;
    size_t n = 0;
    const auto* res = rd_kafka_event_CreateTopics_result(event);
    const auto** results = rd_kafka_CreateTopics_result_topics(res, &n);
    for (size_t i = 0; i < n; ++i) {
      auto code = rd_kafka_topic_result_error(results[i]);
      if (code != RD_KAFKA_RESP_ERR_NO_ERROR
          && code != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
        err = std::string{"cannot create topic "}
              + rd_kafka_topic_result_name(results[i]) + ": "
              + rd_kafka_err2str(code);
        ok = false;
        break;
      }
    }
  }
  if (event != nullptr)
    rd_kafka_event_destroy(event);
  rd_kafka_queue_destroy(queue);
  rd_kafka_NewTopic_destroy_array(specs.data(), specs.size());
  return ok;
}

void delete_topics(const std::string& brokers,
                   const std::vector<kafka_property>& properties,
                   const std::vector<std::string>& topics) {
  std::string err;
  auto rk = admin_client(brokers, properties, err);
  if (!rk)
    return;
  std::vector<rd_kafka_DeleteTopic_t*> specs;
  for (const auto& topic : topics)
    specs.push_back(rd_kafka_DeleteTopic_new(topic.c_str()));
  auto* queue = rd_kafka_queue_new(rk.get());
  rd_kafka_DeleteTopics(rk.get(), specs.data(), specs.size(), nullptr, queue);
  if (auto* event = rd_kafka_queue_poll(queue, 30000))
    rd_kafka_event_destroy(event);
  rd_kafka_queue_destroy(queue);
  rd_kafka_DeleteTopic_destroy_array(specs.data(), specs.size());
}

} // namespace kscope::bench
