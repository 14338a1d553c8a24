#pragma once

#include <memory>
#include <string>
#include <vector>

#include <sys/types.h>

#include "actors/edges/kafka.hpp"

namespace kscope::bench {

/// The embedded broker in a child process (`kscope broker`), so its CPU and
/// memory are measured apart from the pipelines'. Stopped (SIGTERM) when
/// destroyed, and by the kernel when this process dies.
class broker_process {
public:
  /// Runs `binary broker --topic T ...` for every topic (one partition
  /// each) and waits for its bootstrap address; nullptr and `err` when it
  /// does not come up within 10 s.
  static std::unique_ptr<broker_process>
  start(const std::string& binary, const std::vector<std::string>& topics,
        std::string& err);

  ~broker_process();

  broker_process(const broker_process&) = delete;
  broker_process& operator=(const broker_process&) = delete;

  pid_t pid() const noexcept {
    return pid_;
  }

  const std::string& bootstrap() const noexcept {
    return bootstrap_;
  }

private:
  broker_process() = default;

  pid_t pid_ = -1;
  /// Read end of the child's stdout, kept open so it never gets SIGPIPE.
  int out_fd_ = -1;
  std::string bootstrap_;
};

/// Creates `topics` (one partition, replication factor 1) on a real broker
/// through the Admin API; topics that exist already are fine. False and
/// `err` on any other failure.
bool create_topics(const std::string& brokers,
                   const std::vector<kafka_property>& properties,
                   const std::vector<std::string>& topics, std::string& err);

/// Deletes `topics` from a real broker; best effort.
void delete_topics(const std::string& brokers,
                   const std::vector<kafka_property>& properties,
                   const std::vector<std::string>& topics);

} // namespace kscope::bench
