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

// Capacity 0 would make a ring that never holds anything; a ring that
// holds just the newest point is the closest meaningful reading of it.
point_ring::point_ring(size_t capacity)
  : capacity_(std::max<size_t>(capacity, 1)) {
  // nop
}

bool point_ring::push(point x, bool may_grow) {
  if (buf_.size() < capacity_ && (may_grow || buf_.empty())) {
    if (head_ != 0) {
      // Wrapped while it could not grow: oldest first again, then append.
      std::rotate(buf_.begin(),
                  buf_.begin() + static_cast<std::ptrdiff_t>(head_),
                  buf_.end());
      head_ = 0;
    }
    buf_.push_back(x);
    return true;
  }
  buf_[head_] = x;
  head_ = (head_ + 1) % buf_.size();
  return false;
}

std::vector<point> point_ring::to_vector() const {
  std::vector<point> result;
  result.reserve(buf_.size());
  for (size_t i = 0; i < buf_.size(); ++i)
    result.push_back(buf_[(head_ + i) % buf_.size()]);
  return result;
}

const point& point_ring::back() const {
  return buf_[(head_ + buf_.size() - 1) % buf_.size()];
}

void point_ring::replace_back(point x) {
  buf_[(head_ + buf_.size() - 1) % buf_.size()] = x;
}

series_stats point_ring::stats() const {
  series_stats result;
  if (buf_.empty())
    return result;
  result.min = buf_[head_].value;
  result.max = buf_[head_].value;
  double sum = 0;
  for (const auto& p : buf_) {
    result.min = std::min(result.min, p.value);
    result.max = std::max(result.max, p.value);
    sum += p.value;
  }
  result.current = back().value;
  result.avg = sum / static_cast<double>(buf_.size());
  return result;
}

// -- series_window ------------------------------------------------------------

uint32_t color_book::color_of(const std::string& name) {
  auto [i, added] = map_.emplace(name, next_);
  if (added)
    ++next_;
  return i->second;
}

series_window::series_window(window_config cfg,
                             std::shared_ptr<point_budget> budget,
                             std::shared_ptr<color_book> colors)
  : cfg_(std::move(cfg)), budget_(std::move(budget)),
    colors_(std::move(colors)) {
  if (!budget_)
    budget_ = std::make_shared<point_budget>(point_budget{cfg_.max_points, 0});
  if (!colors_) {
    colors_ = std::make_shared<color_book>();
    owns_colors_ = true;
  }
}

series_window::entry* series_window::find_or_add(const std::string& name) {
  if (auto i = index_.find(name); i != index_.end())
    return &series_[i->second];
  if (budget_->reserved + cfg_.capacity > budget_->max)
    return nullptr;
  budget_->reserved += cfg_.capacity;
  series_.push_back(
    entry{name, point_ring{cfg_.capacity}, 0, colors_->color_of(name), {}});
  index_.emplace(name, series_.size() - 1);
  return &series_.back();
}

void series_window::push(entry& e, point p) {
  if (e.ring.push(p))
    ++total_points_;
}

bool series_window::add_point(const std::string& name, point p,
                              int64_t arrival_ns, std::string detail) {
  auto* e = find_or_add(name);
  if (e == nullptr)
    return false;
  // The same instant again (its parts arrived apart, or a replay): one
  // point, the newest value.
  if (e->ring.size() > 0 && e->ring.back().ts_ns == p.ts_ns)
    e->ring.replace_back(p);
  else
    push(*e, p);
  e->last_arrival_ns = arrival_ns;
  e->detail = std::move(detail);
  return true;
}

bool series_window::add(const std::string& name, const sample& x,
                        int64_t arrival_ns) {
  // Points are stored in arrival order, not sorted by timestamp: a sample
  // older than the newest one held (clock skew, a partition replayed late)
  // simply follows it in the ring. Every series stays bounded either way.
  auto* total = find_or_add(name);
  if (total == nullptr)
    return false;
  push(*total, point{x.ts_ns, x.cpu});
  total->last_arrival_ns = arrival_ns;
  // From here on `total` may dangle: adding a core series can grow series_.
  if (!cfg_.per_core)
    return true;
  for (size_t i = 0; i < x.cores.size(); ++i) {
    auto* core = find_or_add(name + "/cpu" + std::to_string(i));
    if (core == nullptr)
      continue;
    push(*core, point{x.ts_ns, x.cores[i]});
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
  for (auto i = last; i != series_.end(); ++i) {
    total_points_ -= i->ring.size();
    budget_->reserved -= cfg_.capacity;
  }
  series_.erase(last, series_.end());
  index_.clear();
  for (size_t i = 0; i < series_.size(); ++i)
    index_.emplace(series_[i].name, i);
  // A shared book is pruned by its owner, who knows every panel.
  if (owns_colors_)
    colors_->retain([this](const std::string& name) { return holds(name); });
  return dropped;
}

int64_t series_window::typical_spacing_ns() const {
  std::vector<int64_t> gaps;
  for (const auto& x : series_) {
    if (gaps.size() >= 64)
      break;
    auto n = x.ring.size();
    if (n < 2)
      continue;
    auto pts = x.ring.to_vector();
    auto gap = pts[n - 1].ts_ns - pts[n - 2].ts_ns;
    if (gap > 0)
      gaps.push_back(gap);
  }
  if (gaps.empty())
    return 0;
  auto mid = gaps.begin() + static_cast<ptrdiff_t>(gaps.size() / 2);
  std::nth_element(gaps.begin(), mid, gaps.end());
  return *mid;
}

std::vector<series_snapshot> series_window::snapshot() const {
  std::vector<series_snapshot> result;
  result.reserve(series_.size());
  for (const auto& x : series_)
    result.push_back(
      series_snapshot{x.name, x.ring.to_vector(), x.ring.stats(), x.color_index,
                      x.detail});
  return result;
}

} // namespace kscope
