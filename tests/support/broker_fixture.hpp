#pragma once

#include <memory>
#include <string>

#include <doctest/doctest.h>

#include "actors/edges/embedded_broker.hpp"

namespace kscope::test {

/// An embedded broker with `test-topic` (one partition, like a default
/// Kafka broker) for one test.
struct broker_fixture {
  std::unique_ptr<embedded_broker> broker;
  std::string topic = "test-topic";

  broker_fixture() {
    std::string err;
    broker = embedded_broker::start(1, err);
    REQUIRE_MESSAGE(broker, err);
    REQUIRE_MESSAGE(broker->create_topic(topic, 1, err), err);
  }
};

} // namespace kscope::test
