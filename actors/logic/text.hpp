#pragma once

// Small text and number helpers shared by the consumer, the terminal
// rasteriser, the chart and the window.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace kscope {

/// Decodes the UTF-8 sequence at the start of `s` into `cp`; returns its
/// length, or 0 when it is invalid (bad lead byte, truncated, overlong,
/// a surrogate or beyond U+10FFFF). `s` must not be empty.
inline size_t next_code_point(std::string_view s, char32_t& cp) {
  auto byte = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
  auto lead = byte(0);
  if (lead < 0x80) {
    cp = lead;
    return 1;
  }
  size_t len = 0;
  if ((lead & 0xE0) == 0xC0) {
    len = 2;
    cp = lead & 0x1Fu;
  } else if ((lead & 0xF0) == 0xE0) {
    len = 3;
    cp = lead & 0x0Fu;
  } else if ((lead & 0xF8) == 0xF0) {
    len = 4;
    cp = lead & 0x07u;
  } else {
    return 0;
  }
  if (s.size() < len)
    return 0;
  for (size_t i = 1; i < len; ++i) {
    if ((byte(i) & 0xC0) != 0x80)
      return 0;
    cp = cp << 6 | (byte(i) & 0x3Fu);
  }
  static constexpr char32_t min_of_len[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < min_of_len[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
    return 0;
  return len;
}

/// The first `chars` characters of `s` (code points; an invalid byte counts
/// as one), never cutting a UTF-8 sequence in two.
inline std::string_view first_chars(std::string_view s, size_t chars) {
  size_t pos = 0;
  for (size_t n = 0; n < chars && pos < s.size(); ++n) {
    char32_t cp = 0;
    auto len = next_code_point(s.substr(pos), cp);
    pos += len == 0 ? 1 : len;
  }
  return s.substr(0, pos);
}

/// Median of `xs` (reordered): the middle value, or the mean of the two
/// middle ones; `if_empty` when there are none.
template <class T>
T median_of(std::vector<T>& xs, T if_empty) {
  if (xs.empty())
    return if_empty;
  auto mid = xs.begin() + static_cast<std::ptrdiff_t>(xs.size() / 2);
  std::nth_element(xs.begin(), mid, xs.end());
  if (xs.size() % 2 == 1)
    return *mid;
  auto lower = *std::max_element(xs.begin(), mid);
  return lower + (*mid - lower) / 2;
}

} // namespace kscope
