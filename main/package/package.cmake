# Installation rules and the Debian package, included by the top-level
# CMakeLists.txt. `scripts/package` configures a build with Debian's build
# flags and runs CPack: build-pkg/kscope_<version>_<arch>.deb.
#
# What the package holds: /usr/bin/kscope and the display module it loads
# for windows (/usr/lib/<multiarch>/kscope/kscope-display.so), kscope(1),
# the bash completion,
# kscope-produce.service, /etc/kscope.toml (a conffile), and the copyright
# and changelog files Debian expects. Its Depends are computed by
# dpkg-shlibdeps from the binary and the module, plus the window's font.

include(GNUInstallDirs)

set(KSCOPE_SYSTEMD_UNIT_DIR "/lib/systemd/system" CACHE PATH
    "Where kscope-produce.service is installed")
set(KSCOPE_CONFIG_DIR "/etc" CACHE PATH
    "Where the example kscope.toml is installed")

set(pkg_src ${CMAKE_CURRENT_SOURCE_DIR}/main/package)
set(pkg_bin ${CMAKE_CURRENT_BINARY_DIR}/package)

# Debian ships man pages and changelogs compressed with gzip -9n (no name,
# no time stamp, so the package is reproducible).
find_program(KSCOPE_GZIP gzip REQUIRED)
foreach(doc kscope.1 changelog)
  add_custom_command(
    OUTPUT ${pkg_bin}/${doc}.gz
    COMMAND ${CMAKE_COMMAND} -E make_directory ${pkg_bin}
    COMMAND sh -c "'${KSCOPE_GZIP}' -9n -c '${pkg_src}/${doc}' > '${pkg_bin}/${doc}.gz'"
    DEPENDS ${pkg_src}/${doc}
    VERBATIM)
endforeach()
add_custom_target(kscope_docs ALL
  DEPENDS ${pkg_bin}/kscope.1.gz ${pkg_bin}/changelog.gz)

install(TARGETS kscope RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
# The display module, where the binary looks for it: KSCOPE_MODULE_DIR
# relative to the prefix (actors/edges/display_loader.cpp).
install(TARGETS kscope_display LIBRARY DESTINATION ${KSCOPE_MODULE_DIR})
install(FILES ${pkg_bin}/kscope.1.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${pkg_src}/kscope.bash-completion
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions
        RENAME kscope)
install(FILES ${pkg_src}/kscope-produce.service
        DESTINATION ${KSCOPE_SYSTEMD_UNIT_DIR})
install(FILES ${pkg_src}/kscope.toml DESTINATION ${KSCOPE_CONFIG_DIR})
install(FILES ${pkg_src}/copyright ${pkg_bin}/changelog.gz
        DESTINATION ${CMAKE_INSTALL_DOCDIR})

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME kscope)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER
    "kscope developers <kscope@users.noreply.github.com>")
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
"live system metrics streamed through Apache Kafka
kscope samples a machine's CPU, memory, network, disk, load and NVIDIA GPUs
and publishes them to a Kafka topic (as JSON, as Telegraf's Influx line
protocol, or as a 2-byte CPU value), and draws what arrives on the topic as
live charts, in an X11 window or in the terminal. One binary runs a producer
node, a viewer, both in one process on an embedded broker, a standalone
embedded broker, and a throughput benchmark.
.
The package includes a hardened systemd service for producer nodes,
kscope-produce.service, configured by /etc/kscope.toml.")
# The runtime libraries come from dpkg-shlibdeps; the font the window
# draws its labels with is data, which shlibdeps cannot see.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "fonts-dejavu-core")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "kcat")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA ${pkg_src}/conffiles)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
