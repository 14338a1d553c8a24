#include "actors/edges/status_line.hpp"

#include "actors/logic/clock.hpp"

namespace kscope {

namespace {

std::string utc_now() {
  return format_now("%Y-%m-%dT%H:%M:%SZ", true);
}

} // namespace

status_line::status_line(std::FILE* out, bool terminal, std::string label)
  : out_(out), terminal_(terminal), label_(std::move(label)) {
}

std::string status_line::render(const publisher_status& x) {
  std::string result;
  result += "sent " + std::to_string(x.sent);
  result += "  delivered " + std::to_string(x.delivered);
  result += "  queued " + std::to_string(x.queued);
  if (x.failed > 0)
    result += "  failed " + std::to_string(x.failed);
  if (x.dropped > 0)
    result += "  dropped " + std::to_string(x.dropped);
  result += "  broker ";
  if (x.stalled() && x.state != broker_state::down) {
    // Connected, but nothing acknowledged lately: "up" would be a guess.
    result += "not answering (no acknowledgement for "
              + std::to_string(x.unanswered_ms / 1000) + " s)";
    return result;
  }
  result += to_string(x.state, x.state_age_s);
  if (x.state == broker_state::down && !x.last_error.empty())
    result += " (" + x.last_error + "; retrying)";
  else if ((x.failed > 0 || x.dropped > 0) && !x.last_error.empty())
    result += "  last error: " + x.last_error;
  return result;
}

void status_line::print_line(const std::string& text) {
  if (terminal_) {
    std::fprintf(out_, "\r\033[K%s\n", text.c_str());
    live_ = false;
  } else {
    std::fprintf(out_, "%s %s\n", utc_now().c_str(), text.c_str());
  }
  flush();
}

void status_line::flush() {
  if (std::fflush(out_) != 0 || std::ferror(out_))
    closed_ = true;
}

void status_line::update(const publisher_status& x) {
  auto text = label_ + "  " + render(x);
  if (terminal_ && !x.final) {
    std::fprintf(out_, "\r\033[K%s", text.c_str());
    flush();
    live_ = true;
  } else {
    auto now = std::chrono::steady_clock::now();
    bool changed = x.state != last_.state || x.last_error != last_.last_error
                   || x.failed != last_.failed || x.dropped != last_.dropped
                   || x.stalled() != last_.stalled();
    if (x.final || changed || now - last_log_ >= log_every_) {
      print_line(text);
      last_log_ = now;
    }
  }
  last_ = x;
}

void status_line::log(const std::string& line) {
  print_line(label_ + "  " + line);
  if (terminal_ && last_.sent + last_.queued > 0)
    update(last_);
}

void status_line::finish() {
  if (live_) {
    std::fputc('\n', out_);
    flush();
    live_ = false;
  }
}

} // namespace kscope
