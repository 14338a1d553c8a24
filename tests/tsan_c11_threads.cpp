// C11 threads (<threads.h>) on top of POSIX threads, linked only into
// ThreadSanitizer builds (KSCOPE_SANITIZE=thread).
//
// librdkafka starts its threads with thrd_create and locks with mtx_* and
// cnd_*. glibc implements these by calling its pthread functions internally,
// past ThreadSanitizer's interceptors: TSan never learns about those threads
// (it crashes in its allocator on their first malloc) nor about their locks.
// Defined in the executable, these win over glibc's for librdkafka and go
// through the intercepted pthread functions instead.

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <new>

#include <pthread.h>
#include <threads.h>

namespace {

struct start_args {
  thrd_start_t fun;
  void* arg;
};

void* trampoline(void* ptr) {
  auto args = *static_cast<start_args*>(ptr);
  delete static_cast<start_args*>(ptr);
  return reinterpret_cast<void*>(static_cast<intptr_t>(args.fun(args.arg)));
}

int result_of(int rc) {
  switch (rc) {
    case 0:
      return thrd_success;
    case EBUSY:
      return thrd_busy;
    case ETIMEDOUT:
      return thrd_timedout;
    case ENOMEM:
      return thrd_nomem;
    default:
      return thrd_error;
  }
}

pthread_mutex_t* native(mtx_t* x) {
  return reinterpret_cast<pthread_mutex_t*>(x);
}

pthread_cond_t* native(cnd_t* x) {
  return reinterpret_cast<pthread_cond_t*>(x);
}

static_assert(sizeof(mtx_t) >= sizeof(pthread_mutex_t));
static_assert(sizeof(cnd_t) >= sizeof(pthread_cond_t));
static_assert(sizeof(once_flag) == sizeof(pthread_once_t));

} // namespace

extern "C" {

int thrd_create(thrd_t* thr, thrd_start_t fun, void* arg) {
  auto* args = new (std::nothrow) start_args{fun, arg};
  if (args == nullptr)
    return thrd_nomem;
  auto rc = pthread_create(thr, nullptr, trampoline, args);
  if (rc != 0)
    delete args;
  return result_of(rc);
}

int thrd_join(thrd_t thr, int* res) {
  void* ret = nullptr;
  auto rc = pthread_join(thr, &ret);
  if (rc == 0 && res != nullptr)
    *res = static_cast<int>(reinterpret_cast<intptr_t>(ret));
  return result_of(rc);
}

thrd_t thrd_current(void) {
  return pthread_self();
}

int mtx_init(mtx_t* mtx, int type) {
  pthread_mutexattr_t attr;
  pthread_mutexattr_init(&attr);
  if ((type & mtx_recursive) != 0)
    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
  auto rc = pthread_mutex_init(native(mtx), &attr);
  pthread_mutexattr_destroy(&attr);
  return result_of(rc);
}

int mtx_lock(mtx_t* mtx) {
  return result_of(pthread_mutex_lock(native(mtx)));
}

int mtx_unlock(mtx_t* mtx) {
  return result_of(pthread_mutex_unlock(native(mtx)));
}

void mtx_destroy(mtx_t* mtx) {
  pthread_mutex_destroy(native(mtx));
}

int cnd_init(cnd_t* cnd) {
  return result_of(pthread_cond_init(native(cnd), nullptr));
}

int cnd_signal(cnd_t* cnd) {
  return result_of(pthread_cond_signal(native(cnd)));
}

int cnd_broadcast(cnd_t* cnd) {
  return result_of(pthread_cond_broadcast(native(cnd)));
}

int cnd_wait(cnd_t* cnd, mtx_t* mtx) {
  return result_of(pthread_cond_wait(native(cnd), native(mtx)));
}

int cnd_timedwait(cnd_t* cnd, mtx_t* mtx, const struct timespec* until) {
  return result_of(pthread_cond_timedwait(native(cnd), native(mtx), until));
}

void cnd_destroy(cnd_t* cnd) {
  pthread_cond_destroy(native(cnd));
}

void call_once(once_flag* flag, void (*fun)(void)) {
  pthread_once(reinterpret_cast<pthread_once_t*>(flag), fun);
}

} // extern "C"
