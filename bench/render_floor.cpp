// The floor of bench/render-cost: what drawing a chart like kscope's costs
// in a bare SFML program, with no actors, no Kafka and no data structures.
//
//   kscope_render_floor --series N --fps F --seconds S
//                       [--width 1280 --height 720]
//
// Every frame: clear, a grid (one sf::Lines array), N series of 200 points
// as 2-px quads (one sf::Triangles array), about 20 texts whose strings
// change each frame, display(). Paced to F frames per second with
// sf::sleep; the points scroll with time so every frame differs.
#include <SFML/Graphics.hpp>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

constexpr int points = 200;
constexpr const char* font_path
  = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf";

int usage() {
  std::fprintf(stderr, "usage: kscope_render_floor --series N --fps F "
                       "--seconds S [--width W --height H]\n");
  return 2;
}

// A 2-px thick segment from a to b: two triangles.
void thick_segment(sf::VertexArray& va, sf::Vector2f a, sf::Vector2f b,
                   sf::Color color) {
  sf::Vector2f d = b - a;
  float len = std::sqrt(d.x * d.x + d.y * d.y);
  if (len <= 0.0f)
    return;
  sf::Vector2f n{-d.y / len, d.x / len}; // unit normal, 1 px each side
  va.append({a + n, color});
  va.append({b + n, color});
  va.append({b - n, color});
  va.append({a + n, color});
  va.append({b - n, color});
  va.append({a - n, color});
}

} // namespace

int main(int argc, char** argv) {
  int series = 1;
  double fps = 10;
  double seconds = 10;
  unsigned width = 1280;
  unsigned height = 720;
  for (int i = 1; i < argc; ++i) {
    if (i + 1 >= argc)
      return usage();
    const char* key = argv[i];
    const char* value = argv[++i];
    if (std::strcmp(key, "--series") == 0)
      series = std::atoi(value);
    else if (std::strcmp(key, "--fps") == 0)
      fps = std::atof(value);
    else if (std::strcmp(key, "--seconds") == 0)
      seconds = std::atof(value);
    else if (std::strcmp(key, "--width") == 0)
      width = static_cast<unsigned>(std::atoi(value));
    else if (std::strcmp(key, "--height") == 0)
      height = static_cast<unsigned>(std::atoi(value));
    else
      return usage();
  }
  if (series < 1 || fps <= 0 || seconds <= 0 || width < 320 || height < 200)
    return usage();

  sf::Font font;
  if (!font.loadFromFile(font_path))
    return 1;
  sf::RenderWindow window{sf::VideoMode{width, height}, "kscope floor",
                          sf::Style::Default, sf::ContextSettings{}};

  const float w = static_cast<float>(width);
  const float h = static_cast<float>(height);
  const float left = 60, right = w - 200, top = 40, bottom = h - 60;
  const sf::Color grid_color{60, 60, 60};

  sf::VertexArray grid{sf::Lines};
  for (int i = 0; i <= 5; ++i) { // 6 horizontal lines
    float y = top + (bottom - top) * static_cast<float>(i) / 5.0f;
    grid.append({{left, y}, grid_color});
    grid.append({{right, y}, grid_color});
  }
  for (int i = 0; i <= 9; ++i) { // 10 vertical lines
    float x = left + (right - left) * static_cast<float>(i) / 9.0f;
    grid.append({{x, top}, grid_color});
    grid.append({{x, bottom}, grid_color});
  }

  // Title, 6 y ticks, 6 x ticks, 4 legend lines, 2 readouts, status: 20.
  std::vector<sf::Text> texts(20, sf::Text{"", font, 14});
  for (size_t i = 0; i < texts.size(); ++i)
    texts[i].setFillColor(sf::Color::White);
  texts[0].setPosition(left, 10);
  for (int i = 0; i < 6; ++i) {
    auto k = static_cast<size_t>(i);
    texts[1 + k].setPosition(
      10, top + (bottom - top) * static_cast<float>(i) / 5.0f - 8);
    texts[7 + k].setPosition(
      left + (right - left) * static_cast<float>(i) / 5.0f - 10, bottom + 8);
  }
  for (size_t i = 0; i < 4; ++i)
    texts[13 + i].setPosition(right + 20, top + 20.0f * static_cast<float>(i));
  texts[17].setPosition(right + 20, top + 120);
  texts[18].setPosition(right + 20, top + 140);
  texts[19].setPosition(left, h - 24);

  sf::VertexArray lines{sf::Triangles};
  const sf::Time frame = sf::seconds(static_cast<float>(1.0 / fps));
  sf::Clock clock;
  sf::Time next = sf::Time::Zero;
  long frames = 0;
  while (window.isOpen()) {
    sf::Event ev;
    while (window.pollEvent(ev))
      if (ev.type == sf::Event::Closed)
        window.close();
    sf::Time now = clock.getElapsedTime();
    if (now.asSeconds() >= seconds || !window.isOpen())
      break;
    double t = now.asSeconds();

    lines.clear();
    for (int s = 0; s < series; ++s) {
      sf::Color color{static_cast<sf::Uint8>(80 + (s * 53) % 176),
                      static_cast<sf::Uint8>(80 + (s * 97) % 176),
                      static_cast<sf::Uint8>(80 + (s * 31) % 176)};
      sf::Vector2f prev;
      for (int i = 0; i < points; ++i) {
        double v = 50 + 40 * std::sin(t + i * 0.1 + s);
        sf::Vector2f p{
          left + (right - left) * static_cast<float>(i) / float{points - 1},
          bottom - (bottom - top) * static_cast<float>(v / 100.0)};
        if (i > 0)
          thick_segment(lines, prev, p, color);
        prev = p;
      }
    }

    texts[0].setString("CPU usage  t=" + std::to_string(t));
    for (int i = 0; i < 6; ++i) {
      auto k = static_cast<size_t>(i);
      texts[1 + k].setString(std::to_string(100 - 20 * i));
      texts[7 + k].setString(std::to_string(t - 4 * (5 - i)));
    }
    for (size_t i = 0; i < 4; ++i) {
      double v = 50 + 40 * std::sin(t + static_cast<double>(i));
      texts[13 + i].setString("h" + std::to_string(i + 1) + " "
                              + std::to_string(v));
    }
    texts[17].setString("rate " + std::to_string(series * 10) + "/s");
    texts[18].setString("frame " + std::to_string(frames));
    texts[19].setString("connected  series " + std::to_string(series)
                        + "  fps " + std::to_string(fps));

    window.clear(sf::Color{20, 20, 24});
    window.draw(grid);
    window.draw(lines);
    for (const auto& text : texts)
      window.draw(text);
    window.display();
    ++frames;

    next += frame;
    sf::Time left_over = next - clock.getElapsedTime();
    if (left_over > sf::Time::Zero)
      sf::sleep(left_over);
    else
      next = clock.getElapsedTime(); // behind: do not try to catch up
  }
  std::printf("frames %ld\n", frames);
  return 0;
}
