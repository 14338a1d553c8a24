#include "actors/logic/cluster_view.hpp"

#include <algorithm>
#include <optional>
#include <utility>

namespace kscope {

namespace {

/// The node id and "host:port" of the broker a librdkafka error names,
/// e.g. "127.0.0.1:39212/3: Connect to ... failed" or
/// "sasl_ssl://kafka1:9093/2: Disconnected"; nothing for a bootstrap
/// address ("host:port/bootstrap") or another kind of text.
std::optional<listed_broker> broker_named(std::string_view reason) {
  auto colon = reason.find(": ");
  if (colon == std::string_view::npos)
    return std::nullopt;
  auto name = reason.substr(0, colon);
  auto slash = name.rfind('/');
  if (slash == std::string_view::npos || slash + 1 == name.size())
    return std::nullopt;
  int32_t id = 0;
  for (char c : name.substr(slash + 1)) {
    if (c < '0' || c > '9' || id > 100000000)
      return std::nullopt;
    id = id * 10 + (c - '0');
  }
  auto address = name.substr(0, slash);
  if (auto scheme = address.find("://"); scheme != std::string_view::npos)
    address.remove_prefix(scheme + 3);
  return listed_broker{id, std::string{address}};
}

/// "broker 3 at 127.0.0.1:39212" or "brokers 1 at a:1 and 3 at b:2".
std::string name_brokers(const std::map<int32_t, std::string>& xs) {
  std::string result = xs.size() == 1 ? "broker " : "brokers ";
  size_t i = 0;
  for (const auto& [id, address] : xs) {
    if (i > 0)
      result += i + 1 == xs.size() ? " and " : ", ";
    result += std::to_string(id) + " at " + address;
    ++i;
  }
  return result;
}

} // namespace

void cluster_view::connection_failed(std::string_view reason,
                                     clock::time_point now) {
  auto broker = broker_named(reason);
  if (!broker)
    return;
  suspects_[broker->id] = suspect{std::string{reason}, now};
}

void cluster_view::answered(const cluster_answer& x, clock::time_point now) {
  answered_ = true;
  misses_ = 0;
  listed_ = x.brokers.size();
  std::map<int32_t, std::string> listed;
  for (const auto& b : x.brokers)
    listed.emplace(b.id, b.address);
  for (const auto& [id, address] : listed) {
    known_[id] = address;
    auto s = suspects_.find(id);
    bool was_dropped = dropped_.erase(id) > 0;
    if (s == suspects_.end())
      continue;
    // Listed again after being dropped, answering itself, or listed long
    // after the failure (the controller would have dropped a dead broker
    // by then): it serves.
    if (was_dropped || x.from == address
        || now - s->second.last_failure >= settle_)
      suspects_.erase(s);
  }
  for (const auto& [id, address] : known_)
    if (listed.count(id) == 0)
      dropped_.emplace(id, address);
  refusing_.clear();
  for (const auto& p : x.partitions) {
    auto where = "topic " + p.topic + " partition "
                 + std::to_string(p.partition);
    if (p.leader < 0) {
      refusing_.push_back({p.topic, p.partition, where + " has no leader"});
      continue;
    }
    auto min = x.min_insync.find(p.topic);
    if (min != x.min_insync.end() && p.in_sync < min->second)
      refusing_.push_back({p.topic, p.partition,
                           where + " has " + std::to_string(p.in_sync)
                             + " of " + std::to_string(p.replicas)
                             + " replicas in sync, fewer than "
                               "min.insync.replicas="
                             + std::to_string(min->second)
                             + ": its leader refuses acks=all writes "
                               "(NOT_ENOUGH_REPLICAS)"});
  }
}

void cluster_view::accepted(std::string_view topic, int32_t partition) {
  refusing_.erase(std::remove_if(refusing_.begin(), refusing_.end(),
                                 [&](const refusing& x) {
                                   return x.partition == partition
                                          && x.topic == topic;
                                 }),
                  refusing_.end());
}

std::string cluster_view::trouble() const {
  if (!answered_ || misses_ >= max_misses)
    return {};
  std::string result;
  auto add = [&](const std::string& part) {
    if (!result.empty())
      result += "; ";
    result += part;
  };
  if (!refusing_.empty()) {
    add(refusing_.front().why);
    if (refusing_.size() > 1)
      result += " (and " + std::to_string(refusing_.size() - 1)
                + " more partitions)";
  }
  if (!dropped_.empty())
    add(name_brokers(dropped_) + " left the cluster ("
        + std::to_string(listed_) + " of " + std::to_string(known_.size())
        + " serve)");
  for (const auto& [id, s] : suspects_)
    if (dropped_.count(id) == 0)
      add(s.reason);
  return result;
}

} // namespace kscope
