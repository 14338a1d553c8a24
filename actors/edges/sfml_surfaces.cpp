// The display module's code (kscope-display.so, loaded by the binary at run
// time; see actors/edges/display_module.hpp): the SFML window and the
// offscreen texture, and the painter they share.

#include "actors/edges/display_module.hpp"

#include <cmath>
#include <cstdio>
#include <fstream>

#include <SFML/Graphics.hpp>

#if defined(__SANITIZE_ADDRESS__)
#  include <sanitizer/lsan_interface.h>
#  define KSCOPE_LSAN 1
#elif defined(__has_feature)
#  if __has_feature(address_sanitizer)
#    include <sanitizer/lsan_interface.h>
#    define KSCOPE_LSAN 1
#  endif
#endif

#include "actors/logic/text.hpp"

namespace kscope {

namespace {

/// Looks for DejaVu Sans Mono in the usual places; empty when not found.
std::string find_default_font() {
  for (auto path : {"/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf",
                    "/usr/share/fonts/dejavu/DejaVuSansMono.ttf",
                    "/usr/share/fonts/TTF/DejaVuSansMono.ttf"}) {
    if (std::ifstream{path}.good())
      return path;
  }
  return {};
}

sf::Color to_sf(rgb x, sf::Uint8 alpha = 255) {
  return sf::Color{x.r, x.g, x.b, alpha};
}

constexpr unsigned font_size = 14;

/// While alive, LeakSanitizer ignores what this thread allocates. SFML 2.5
/// on Mesa leaks GL context buffers (14 MB for a multisampled texture) from
/// a driver that is unloaded at exit, where no suppression can name it: an
/// SFML surface holds one of these, on the main thread, for its lifetime.
/// Nothing in other builds.
struct gl_leak_exemption {
#ifdef KSCOPE_LSAN
  gl_leak_exemption() {
    __lsan_disable();
  }
  ~gl_leak_exemption() {
    __lsan_enable();
  }
  gl_leak_exemption(const gl_leak_exemption&) = delete;
  gl_leak_exemption& operator=(const gl_leak_exemption&) = delete;
#endif
};

/// Draws chart geometry and text onto any SFML render target, rebuilding
/// as little as it can between frames: text objects are kept and their
/// strings set only when they change, the grid is rebuilt only when the
/// layout or the ticks move, and every series goes into one vertex array
/// (one draw call for all lines, one for all fills).
class painter {
public:
  bool load_font(const std::string& path, std::string& err) {
    auto file = path.empty() ? find_default_font() : path;
    if (file.empty() || !font_.loadFromFile(file)) {
      err = path.empty() ? "cannot find the font DejaVuSansMono.ttf (install "
                           "fonts-dejavu-core or pass --font FILE.ttf)"
                         : "cannot load --font " + path;
      return false;
    }
    metrics_.char_width = font_.getGlyph('0', font_size, false).advance;
    metrics_.line_height = std::ceil(font_.getLineSpacing(font_size));
    return true;
  }

  /// Paints one frame; returns ns of the time axis per pixel.
  double paint(sf::RenderTarget& target, const snapshot& snap,
               const chart_style& style) {
    auto size = target.getSize();
    auto w = static_cast<float>(size.x);
    auto h = static_cast<float>(size.y);
    // A margin around everything: the chart is laid out on the inner area
    // and the view shifts it into place.
    constexpr float pad = 8;
    target.setView(sf::View{sf::FloatRect{-pad, -pad, w, h}});
    target.clear(to_sf(style.background));
    auto frame = build_frame(snap, w - 2 * pad, h - 2 * pad, style,
                             metrics_);
    next_text_ = 0;
    // Grid, axes and tick labels of every panel in one array.
    rebuild_grid(frame, style);
    target.draw(grid_);
    // Series: fills (area, bar) first, then every line, then the legend's
    // swatches, each kind in one array.
    fills_.clear();
    lines_.clear();
    next_heat_ = 0;
    for (auto& panel : frame.panels)
      paint_panel(target, panel);
    text(target, status_text(snap.status), style.foreground, frame.status.x,
         frame.status.y);
    if (!frame.alerts_text.empty())
      text(target, frame.alerts_text, frame.alerts_color, frame.alerts.x,
           frame.alerts.y, !snap.firing.empty());
    target.draw(fills_);
    target.draw(lines_);
    for (size_t i = 0; i < next_text_; ++i)
      target.draw(texts_[i].shape);
    const auto& first = frame.panels.front().geometry;
    auto plot_w = first.layout.plot.w;
    return plot_w > 0 ? first.span_s * 1e9 / plot_w : 0;
  }

private:
  /// Paints one chart of the frame: tick labels, series, title, legend and
  /// readout (the text and vertices go into the shared arrays).
  void paint_panel(sf::RenderTarget& target, const panel_frame& panel) {
    const auto& geo = panel.geometry;
    const auto& style = panel.style;
    const auto& series = *panel.series;
    const auto& lay = geo.layout;
    const auto& plot = lay.plot;
    if (panel.fleet.fleet)
      paint_fleet(target, panel.fleet, style);
    for (auto& t : geo.y_ticks)
      text(target, t.label, style.foreground,
           plot.x
             - metrics_.char_width * (static_cast<float>(t.label.size()) + 1),
           t.pos - metrics_.line_height / 2);
    for (auto& t : geo.x_ticks) {
      auto tw = metrics_.char_width * static_cast<float>(t.label.size());
      auto x = std::min(std::max(t.pos - tw / 2, plot.x - tw / 2),
                        lay.canvas.x + lay.canvas.w - tw);
      text(target, t.label, style.foreground, x, plot.y + plot.h + 2);
    }
    for (auto& s : geo.series) {
      auto color = series_color(s.color_index, style.palette);
      if (style.type == chart_type::bar) {
        for (auto& b : s.bars)
          quad_at(fills_, {b.x, b.y}, {b.x + b.w, b.y},
                  {b.x + b.w, b.y + b.h}, {b.x, b.y + b.h}, to_sf(color, 200));
        continue;
      }
      if (style.type == chart_type::area)
        for (auto& seg : s.segments)
          for (size_t i = 1; i < seg.size(); ++i)
            quad_at(fills_, seg[i - 1], seg[i], {seg[i].x, geo.baseline_y},
                    {seg[i - 1].x, geo.baseline_y}, to_sf(color, 90));
      // A host with a firing alert on this metric: a thicker line.
      auto width = s.alerting ? 4.0f : 2.0f;
      for (auto& seg : s.segments) {
        if (seg.size() == 1)
          quad_at(lines_, {seg[0].x - width, seg[0].y - width},
                  {seg[0].x + width, seg[0].y - width},
                  {seg[0].x + width, seg[0].y + width},
                  {seg[0].x - width, seg[0].y + width}, to_sf(color));
        for (size_t i = 1; i < seg.size(); ++i)
          thick_line(lines_, seg[i - 1], seg[i], width, to_sf(color));
      }
    }
    // Thresholds: dashed lines across the plot, the rule at the right.
    for (auto& t : panel.thresholds) {
      constexpr float dash = 8;
      for (auto x = t.x0; x < t.x1; x += 2 * dash)
        thick_line(lines_, {x, t.y}, {std::min(x + dash, t.x1), t.y}, 2.0f,
                   to_sf(t.color));
      auto tw = metrics_.char_width * static_cast<float>(t.label.size());
      text(target, t.label, t.color, std::max(t.x0, t.x1 - tw - 4),
           t.y - metrics_.line_height - 1);
    }
    // Text: title, labels, legend, readout.
    auto title_w = metrics_.char_width * static_cast<float>(style.title.size());
    text(target, style.title, style.foreground,
         lay.title.x + std::max(0.0f, (lay.title.w - title_w) / 2),
         lay.title.y, true);
    text(target, style.y_label, style.foreground, lay.legend.x, lay.legend.y);
    auto legend_x = lay.legend.x
                    + metrics_.char_width
                        * static_cast<float>(style.y_label.size() + 3);
    auto legend_end = lay.legend.x + lay.legend.w;
    auto side = metrics_.char_width;
    for (auto& s : series) {
      auto width = metrics_.char_width * static_cast<float>(s.name.size() + 4);
      if (legend_x + width > legend_end)
        break;
      auto color = series_color(s.color_index, style.palette);
      auto top = lay.legend.y + metrics_.line_height / 4;
      quad_at(lines_, {legend_x, top}, {legend_x + side, top},
              {legend_x + side, top + side}, {legend_x, top + side},
              to_sf(color));
      text(target, s.name, style.foreground,
           legend_x + metrics_.char_width * 1.5f, lay.legend.y);
      legend_x += width;
    }
    auto xl = metrics_.char_width * static_cast<float>(style.x_label.size());
    text(target, style.x_label, style.foreground, plot.x + plot.w - xl,
         plot.y + plot.h + metrics_.line_height + 2);
    auto y = lay.readout.y;
    auto lines = static_cast<size_t>(lay.readout.h / metrics_.line_height
                                     + 0.01f);
    // Cut at the panel's right edge, so panels side by side stay apart.
    auto room = static_cast<size_t>(
      std::max(0.0f, lay.readout.w / metrics_.char_width - 1));
    for (size_t i = 0; i < series.size() && i < lines; ++i) {
      auto& s = series[i];
      bool alerting = i < geo.series.size() && geo.series[i].alerting;
      text(target,
           (alerting ? "! " : "")
             + fit_readout(s, style.unit,
                           alerting && room > 2 ? room - 2 : room),
           series_color(s.color_index, style.palette), lay.readout.x, y,
           alerting);
      y += metrics_.line_height;
    }
  }

  /// The fleet view's heatmap as a texture of one texel per cell, scaled
  /// onto its rectangle (one draw call however many hosts), with the
  /// title, heading and top hosts as text.
  void paint_fleet(sf::RenderTarget& target, const fleet_frame& f,
                   const chart_style& style) {
    const auto& fl = *f.fleet;
    auto title_w = metrics_.char_width
                   * static_cast<float>(f.title_text.size());
    text(target, f.title_text, style.foreground,
         f.title.x + std::max(0.0f, (f.title.w - title_w) / 2), f.title.y,
         true);
    text(target, f.heading_text, style.foreground, f.heading.x + 2,
         f.heading.y);
    auto y = f.names.y;
    for (auto& line : f.name_lines) {
      if (y + metrics_.line_height > f.names.y + f.names.h)
        break;
      text(target, line, style.foreground, f.names.x, y);
      y += metrics_.line_height;
    }
    if (fl.rows == 0 || fl.cols == 0 || f.col_w <= 0
        || fl.heat.size() < size_t{fl.rows} * fl.cols)
      return;
    // One textured quad over the map; the texture coordinates are in
    // columns, fractional at both edges, so the oldest column is cut at the
    // map's left edge and the newest at now, however wide a column is.
    auto x0 = std::max(f.heat.x, f.col_x0);
    auto x1 = std::min(f.col_x0 + static_cast<float>(fl.cols) * f.col_w,
                       f.heat.x + f.heat.w);
    if (x1 <= x0)
      return;
    if (next_heat_ == heat_.size())
      heat_.emplace_back();
    auto& tex = heat_[next_heat_++];
    if (tex.getSize() != sf::Vector2u{fl.cols, fl.rows})
      tex.create(fl.cols, fl.rows);
    pixels_.resize(size_t{fl.cols} * fl.rows * 4);
    auto top = f.y_max > 0 ? f.y_max : 1.0;
    for (size_t i = 0; i < size_t{fl.cols} * fl.rows; ++i) {
      auto c = heat_color(fl.heat[i] / top, style.background);
      pixels_[4 * i] = c.r;
      pixels_[4 * i + 1] = c.g;
      pixels_[4 * i + 2] = c.b;
      pixels_[4 * i + 3] = 255;
    }
    tex.update(pixels_.data());
    auto u0 = (x0 - f.col_x0) / f.col_w;
    auto u1 = (x1 - f.col_x0) / f.col_w;
    auto y0 = f.heat.y;
    auto y1 = f.heat.y + f.heat.h;
    auto v1 = static_cast<float>(fl.rows);
    sf::Vertex quad[4] = {
      {{x0, y0}, sf::Color::White, {u0, 0}},
      {{x1, y0}, sf::Color::White, {u1, 0}},
      {{x1, y1}, sf::Color::White, {u1, v1}},
      {{x0, y1}, sf::Color::White, {u0, v1}},
    };
    sf::RenderStates states;
    states.texture = &tex;
    target.draw(quad, 4, sf::Quads, states);
  }

  /// A kept text object and what it was last set to.
  struct cached_text {
    sf::Text shape;
    std::string str;
    rgb color;
    bool bold = false;
  };

  /// Rebuilds the grid lines and the plots' frames when a plot or its
  /// ticks moved.
  void rebuild_grid(const frame_geometry& frame, const chart_style& style) {
    std::vector<float> key;
    for (auto& panel : frame.panels) {
      const auto& geo = panel.geometry;
      const auto& plot = geo.layout.plot;
      key.insert(key.end(), {plot.x, plot.y, plot.w, plot.h});
      for (auto& t : geo.y_ticks)
        key.push_back(t.pos);
      for (auto& t : geo.x_ticks)
        key.push_back(t.pos);
    }
    if (key == grid_key_ && style.grid == grid_color_
        && style.foreground == frame_color_)
      return;
    grid_key_ = std::move(key);
    grid_color_ = style.grid;
    frame_color_ = style.foreground;
    grid_.clear();
    grid_.setPrimitiveType(sf::Lines);
    auto line = [&](vec2 a, vec2 b, sf::Color c) {
      grid_.append({{a.x, a.y}, c});
      grid_.append({{b.x, b.y}, c});
    };
    auto frame_color = to_sf(style.foreground, 160);
    for (auto& panel : frame.panels) {
      const auto& geo = panel.geometry;
      const auto& plot = geo.layout.plot;
      for (auto& t : geo.y_ticks)
        line({plot.x, t.pos}, {plot.x + plot.w, t.pos}, to_sf(style.grid));
      for (auto& t : geo.x_ticks)
        line({t.pos, plot.y}, {t.pos, plot.y + plot.h}, to_sf(style.grid));
      auto x0 = plot.x;
      auto y0 = plot.y;
      auto x1 = plot.x + plot.w;
      auto y1 = plot.y + plot.h;
      line({x0, y0}, {x1, y0}, frame_color);
      line({x1, y0}, {x1, y1}, frame_color);
      line({x1, y1}, {x0, y1}, frame_color);
      line({x0, y1}, {x0, y0}, frame_color);
    }
  }

  /// Places the next kept text object, setting only what changed.
  void text(sf::RenderTarget&, const std::string& str, rgb color, float x,
            float y, bool bold = false) {
    if (next_text_ == texts_.size()) {
      texts_.emplace_back();
      texts_.back().shape.setFont(font_);
      texts_.back().shape.setCharacterSize(font_size);
      texts_.back().color = rgb{0, 0, 0};
      texts_.back().shape.setFillColor(sf::Color::Black);
    }
    auto& t = texts_[next_text_++];
    if (t.str != str) {
      t.str = str;
      t.shape.setString(sf::String::fromUtf8(str.begin(), str.end()));
    }
    if (!(t.color == color)) {
      t.color = color;
      t.shape.setFillColor(to_sf(color));
    }
    if (t.bold != bold) {
      t.bold = bold;
      t.shape.setStyle(bold ? sf::Text::Bold : sf::Text::Regular);
    }
    t.shape.setPosition(std::round(x), std::round(y));
  }

  static void quad(sf::VertexArray& va, sf::Vector2f a, sf::Vector2f b,
                   sf::Vector2f c, sf::Vector2f d, sf::Color color) {
    va.append({a, color});
    va.append({b, color});
    va.append({c, color});
    va.append({a, color});
    va.append({c, color});
    va.append({d, color});
  }

  static void quad_at(sf::VertexArray& va, vec2 a, vec2 b, vec2 c, vec2 d,
                      sf::Color color) {
    quad(va, sf::Vector2f{a.x, a.y}, sf::Vector2f{b.x, b.y},
         sf::Vector2f{c.x, c.y}, sf::Vector2f{d.x, d.y}, color);
  }

  static void thick_line(sf::VertexArray& va, vec2 a, vec2 b, float width,
                         sf::Color color) {
    auto dx = b.x - a.x;
    auto dy = b.y - a.y;
    auto len = std::sqrt(dx * dx + dy * dy);
    if (len < 1e-3f)
      return;
    auto nx = -dy / len * width / 2;
    auto ny = dx / len * width / 2;
    quad_at(va, vec2{a.x + nx, a.y + ny}, vec2{b.x + nx, b.y + ny},
            vec2{b.x - nx, b.y - ny}, vec2{a.x - nx, a.y - ny}, color);
  }

  sf::Font font_;
  text_metrics metrics_;
  std::vector<cached_text> texts_;
  size_t next_text_ = 0;
  sf::VertexArray grid_{sf::Lines};
  std::vector<float> grid_key_;
  rgb grid_color_;
  rgb frame_color_;
  sf::VertexArray fills_{sf::Triangles};
  sf::VertexArray lines_{sf::Triangles};
  /// One heatmap texture per fleet panel, kept across frames.
  std::vector<sf::Texture> heat_;
  size_t next_heat_ = 0;
  std::vector<sf::Uint8> pixels_;
};

/// What the window and the offscreen surface share.
class sfml_surface : public surface {
protected:
  /// Loads the font; the context settings to create the target with.
  bool prepare(const sfml_surface_options& opts, sf::ContextSettings& out,
               std::string& err) {
    out.antialiasingLevel = opts.antialias;
    return painter_.load_font(opts.font, err);
  }

  static bool write_png(const sf::Image& img, const std::string& path,
                        std::string& err) {
    if (img.getSize().x == 0 || !img.saveToFile(path)) {
      err = "cannot write " + path;
      return false;
    }
    return true;
  }

  // First: outlives every SFML object of the surface, the derived classes'
  // targets included (a base is destroyed after its derived members).
  gl_leak_exemption exemption_;
  painter painter_;
};

class window_surface : public sfml_surface {
public:
  bool open(const sfml_surface_options& opts, std::string& err) {
    sf::ContextSettings settings;
    if (!prepare(opts, settings, err))
      return false;
    window_.create(sf::VideoMode{opts.width, opts.height}, "kscope",
                   sf::Style::Default, settings);
    if (!window_.isOpen()) {
      err = "cannot open a window on the X display";
      return false;
    }
    return true;
  }

  double draw(const snapshot& snap, const chart_style& style) override {
    auto result = painter_.paint(window_, snap, style);
    window_.display();
    resized_ = false;
    return result;
  }

  std::vector<key_action> poll_input() override {
    std::vector<key_action> result;
    sf::Event ev;
    while (window_.pollEvent(ev)) {
      switch (ev.type) {
        case sf::Event::Closed:
          result.push_back(key_action::quit);
          break;
        case sf::Event::Resized:
          // The default view would stretch the old size over the new one.
          resized_ = true;
          break;
        case sf::Event::KeyPressed:
          switch (ev.key.code) {
            case sf::Keyboard::Space:
              result.push_back(key_action::pause);
              break;
            case sf::Keyboard::S:
              result.push_back(key_action::save);
              break;
            case sf::Keyboard::C:
              result.push_back(key_action::cycle_chart);
              break;
            case sf::Keyboard::M:
              result.push_back(key_action::cycle_smoothing);
              break;
            case sf::Keyboard::Z:
              result.push_back(key_action::cycle_zoom);
              break;
            case sf::Keyboard::F:
              result.push_back(key_action::toggle_fleet);
              break;
            case sf::Keyboard::O:
              result.push_back(key_action::cycle_sort);
              break;
            case sf::Keyboard::Q:
            case sf::Keyboard::Escape:
              result.push_back(key_action::quit);
              break;
            default:
              break;
          }
          break;
        default:
          break;
      }
    }
    return result;
  }

  bool resized() override {
    return resized_;
  }

  bool save_png(const snapshot& snap, const chart_style& style,
                const std::string& path, std::string& err) override {
    // Read back before display(): the back buffer holds this frame.
    painter_.paint(window_, snap, style);
    sf::Texture copy;
    bool ok = copy.create(window_.getSize().x, window_.getSize().y);
    if (ok)
      copy.update(window_);
    window_.display();
    return write_png(ok ? copy.copyToImage() : sf::Image{}, path, err);
  }

private:
  sf::RenderWindow window_;
  bool resized_ = false;
};

class offscreen_surface : public sfml_surface {
public:
  bool open(const sfml_surface_options& opts, std::string& err) {
    sf::ContextSettings settings;
    if (!prepare(opts, settings, err))
      return false;
    if (!texture_.create(opts.width, opts.height, settings)) {
      err = "cannot create an offscreen texture";
      return false;
    }
    return true;
  }

  double draw(const snapshot& snap, const chart_style& style) override {
    auto result = painter_.paint(texture_, snap, style);
    texture_.display();
    return result;
  }

  std::vector<key_action> poll_input() override {
    return {};
  }

  bool resized() override {
    return false;
  }

  bool save_png(const snapshot& snap, const chart_style& style,
                const std::string& path, std::string& err) override {
    draw(snap, style);
    return write_png(texture_.getTexture().copyToImage(), path, err);
  }

private:
  sf::RenderTexture texture_;
};

std::unique_ptr<surface> open_window(const sfml_surface_options& opts,
                                     std::string& err) {
  if (!x_display_available()) {
    err = "no X display";
    return nullptr;
  }
  auto result = std::make_unique<window_surface>();
  if (!result->open(opts, err))
    return nullptr;
  return result;
}

std::unique_ptr<surface> open_offscreen(const sfml_surface_options& opts,
                                        std::string& err) {
  if (!x_display_available()) {
    err = "--snapshot needs an X display for SFML (run it under xvfb-run -a)";
    return nullptr;
  }
  auto result = std::make_unique<offscreen_surface>();
  if (!result->open(opts, err))
    return nullptr;
  return result;
}

} // namespace

} // namespace kscope

/// The module's one exported symbol (the rest is hidden: the module is
/// built with -fvisibility=hidden).
extern "C" __attribute__((visibility("default")))
const kscope::display_module_api* kscope_display_module_v1() {
  static const kscope::display_module_api api{
    kscope::display_module_abi(), KSCOPE_VERSION, &kscope::x_display_available,
    &kscope::open_window, &kscope::open_offscreen};
  return &api;
}
