// The one translation unit that compiles asio, asio::ssl and Beast (see CMakeLists.txt:
// BOOST_ASIO_SEPARATE_COMPILATION / BOOST_BEAST_SEPARATE_COMPILATION).
#include <utility>  // Boost 1.74's asio/awaitable.hpp uses std::exchange without including it.

#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
#include <boost/beast/src.hpp>
