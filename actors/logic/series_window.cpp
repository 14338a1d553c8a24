#include "actors/logic/series_window.hpp"

#include <algorithm>
#include <iterator>
#include <string>
#include <utility>

namespace kscope {

namespace {

/// True when more than `limit` nanoseconds lie between `then` and `now`,
/// computed without signed overflow whatever the two clocks say.
bool older_than(int64_t then, int64_t now, int64_t limit) noexcept {
  if (now <= then)
    return false;
  auto elapsed = static_cast<uint64_t>(now) - static_cast<uint64_t>(then);
  return elapsed > static_cast<uint64_t>(limit);
}

} // namespace

// -- point_ring ---------------------------------------------------------------

// Capacity 0 would make every index computation divide by zero; a ring that
// holds just the newest point is the closest meaningful reading of it.
point_ring::point_ring(size_t capacity)
  : buf_(std::max<size_t>(capacity, 1)) {
  // nop
}

void point_ring::push(point x) {
  buf_[head_] = x;
  head_ = (head_ + 1) % buf_.size();
  if (size_ < buf_.size())
    ++size_;
}

std::vector<point> point_ring::to_vector() const {
  std::vector<point> result;
  result.reserve(size_);
  auto cap = buf_.size();
  auto first = (head_ + cap - size_) % cap;
  for (size_t i = 0; i < size_; ++i)
    result.push_back(buf_[(first + i) % cap]);
  return result;
}

const point& point_ring::back() const {
  return buf_[(head_ + buf_.size() - 1) % buf_.size()];
}

series_stats point_ring::stats() const {
  series_stats result;
  if (size_ == 0)
    return result;
  auto cap = buf_.size();
  auto first = (head_ + cap - size_) % cap;
  result.min = buf_[first].value;
  result.max = buf_[first].value;
  double sum = 0;
  for (size_t i = 0; i < size_; ++i) {
    auto value = buf_[(first + i) % cap].value;
    result.min = std::min(result.min, value);
    result.max = std::max(result.max, value);
    sum += value;
  }
  result.current = back().value;
  result.avg = sum / static_cast<double>(size_);
  return result;
}

// -- series_window ------------------------------------------------------------

series_window::series_window(window_config cfg) : cfg_(std::move(cfg)) {
  // nop
}

series_window::entry* series_window::find_or_add(const std::string& name) {
  if (auto i = index_.find(name); i != index_.end())
    return &series_[i->second];
  if (series_.size() >= cfg_.max_series)
    return nullptr;
  series_.push_back(entry{name, point_ring{cfg_.capacity}, 0, next_color_++});
  index_.emplace(name, series_.size() - 1);
  return &series_.back();
}

bool series_window::add(const std::string& name, const sample& x,
                        int64_t arrival_ns) {
  // Points are stored in arrival order, not sorted by timestamp: a sample
  // older than the newest one held (clock skew, a partition replayed late)
  // simply follows it in the ring. Every series stays bounded either way.
  auto* total = find_or_add(name);
  if (total == nullptr)
    return false;
  total->ring.push(point{x.ts_ns, x.cpu});
  total->last_arrival_ns = arrival_ns;
  // From here on `total` may dangle: adding a core series can grow series_.
  if (!cfg_.per_core)
    return true;
  for (size_t i = 0; i < x.cores.size(); ++i) {
    auto* core = find_or_add(name + "/cpu" + std::to_string(i));
    if (core == nullptr)
      continue;
    core->ring.push(point{x.ts_ns, x.cores[i]});
    core->last_arrival_ns = arrival_ns;
  }
  return true;
}

size_t series_window::expire(int64_t now_ns) {
  // A negative timeout is as meaningless as zero; both keep series forever.
  if (cfg_.expire_ns <= 0)
    return 0;
  auto stale = [this, now_ns](const entry& x) {
    return older_than(x.last_arrival_ns, now_ns, cfg_.expire_ns);
  };
  // remove_if keeps the survivors in their relative (first-seen) order.
  auto last = std::remove_if(series_.begin(), series_.end(), stale);
  auto dropped = static_cast<size_t>(std::distance(last, series_.end()));
  if (dropped == 0)
    return 0;
  series_.erase(last, series_.end());
  index_.clear();
  for (size_t i = 0; i < series_.size(); ++i)
    index_.emplace(series_[i].name, i);
  return dropped;
}

std::vector<series_snapshot> series_window::snapshot() const {
  std::vector<series_snapshot> result;
  result.reserve(series_.size());
  for (const auto& x : series_)
    result.push_back(
      series_snapshot{x.name, x.ring.to_vector(), x.ring.stats(), x.color_index});
  return result;
}

} // namespace kscope
