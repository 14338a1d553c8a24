#pragma once

// Small helpers for reading procfs text: tokens, numbers, short quotes in
// error messages, whole files. Shared by the /proc readers.

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

namespace kscope::proc_text {

/// Longest piece of input quoted in an error message.
inline constexpr std::size_t max_quoted_chars = 40;

inline bool is_blank(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

inline bool is_digits(std::string_view s) noexcept {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return c >= '0' && c <= '9';
  });
}

/// Removes the next blank-separated token from the front of `rest` and
/// returns it; empty when only blanks remain.
inline std::string_view next_token(std::string_view& rest) noexcept {
  std::size_t begin = 0;
  while (begin < rest.size() && is_blank(rest[begin]))
    ++begin;
  std::size_t end = begin;
  while (end < rest.size() && !is_blank(rest[end]))
    ++end;
  auto token = rest.substr(begin, end - begin);
  rest.remove_prefix(end);
  return token;
}

/// Parses a whole token as a decimal number: no sign, no blanks, no locale.
inline bool parse_number(std::string_view token, uint64_t& out) noexcept {
  const char* last = token.data() + token.size();
  auto [ptr, ec] = std::from_chars(token.data(), last, out);
  return !token.empty() && ec == std::errc{} && ptr == last;
}

/// Input text for an error message, cut short so the message stays short.
inline std::string quoted(std::string_view text) {
  std::string out = "'";
  out += text.substr(0, max_quoted_chars);
  if (text.size() > max_quoted_chars)
    out += "...";
  out += '\'';
  return out;
}

inline bool fail(std::string* err, std::string message) {
  if (err != nullptr)
    *err = std::move(message);
  return false;
}

/// Reads a file to its end. procfs reports a size of 0, so the size is never
/// asked for.
inline std::optional<std::string> read_file(const std::string& path,
                                            std::string* err) {
  auto report = [&](int error_number) -> std::optional<std::string> {
    fail(err, "cannot read " + path + ": "
                + std::generic_category().message(error_number));
    return std::nullopt;
  };
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file{
    std::fopen(path.c_str(), "rb"), &std::fclose};
  if (!file)
    return report(errno);
  std::string text;
  char buffer[4096];
  errno = 0;
  for (;;) {
    const auto n = std::fread(buffer, 1, sizeof(buffer), file.get());
    text.append(buffer, n);
    if (n < sizeof(buffer))
      break;
  }
  if (std::ferror(file.get()))
    return report(errno != 0 ? errno : EIO);
  return text;
}

} // namespace kscope::proc_text
