/* harness/runner/iut: command templates, readiness (line and CoAP ping),
 * capture, exit status and bounded stop, against the fake IUTs of
 * tests/fake_iut/. */
#include <check.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../runner/iut.h"
#include "../runner/iut_argv.h"

#define FAKE EH_SOURCE_DIR "/tests/fake_iut/"

static int64_t t_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A scratch directory with out.txt / err.txt paths. */
typedef struct scratch {
    char dir[64], out[96], err[96];
} scratch;

static void scratch_make(scratch *s)
{
    snprintf(s->dir, sizeof s->dir, "/tmp/eh-iut-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(s->dir));
    snprintf(s->out, sizeof s->out, "%s/out.txt", s->dir);
    snprintf(s->err, sizeof s->err, "%s/err.txt", s->dir);
}

static void scratch_free(scratch *s)
{
    unlink(s->out);
    unlink(s->err);
    rmdir(s->dir);
}

static long file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

/* The first cap-1 bytes of a file, NUL-terminated. */
static char *slurp(const char *path, char *buf, size_t cap)
{
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    size_t n = fread(buf, 1, cap - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

/* A UDP port nothing listens on right now. */
static int free_udp_port(void)
{
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    ck_assert_int_ge(s, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ck_assert_int_eq(bind(s, (struct sockaddr *)&a, sizeof a), 0);
    socklen_t len = sizeof a;
    ck_assert_int_eq(getsockname(s, (struct sockaddr *)&a, &len), 0);
    close(s);
    return ntohs(a.sin_port);
}

/* ---- iut_expand ---- */

START_TEST(expand_placeholders)
{
    char out[256];
    iut_vars v = {.host = "127.0.0.1", .port = "5683", .creds_dir = "/c", .method = "3",
                  .suite = "2", .suites = "2,0", .vector = "v.json", .harness = "/h",
                  .cred = "a.pem", .peer_cred = "b.pem"};
    ck_assert_int_eq(iut_expand("iut -a {host}:{port} -d {creds_dir} -m {method} -s {suite} "
                                "-S {suites} -v {vector} -H {harness} -c {cred} -p {peer_cred}",
                                &v, out, sizeof out),
                     0);
    ck_assert_str_eq(out, "iut -a 127.0.0.1:5683 -d /c -m 3 -s 2 -S 2,0 -v v.json -H /h -c a.pem "
                          "-p b.pem");
    /* literal braces, a placeholder used twice, one next to text */
    ck_assert_int_eq(iut_expand("{{x}} {port}{port} json='{{\"a\":{method}}}'", &v, out,
                                sizeof out),
                     0);
    ck_assert_str_eq(out, "{x} 56835683 json='{\"a\":3}'");
    /* NULL values and NULL vars expand to "" */
    iut_vars empty = {.host = "h"};
    ck_assert_int_eq(iut_expand("[{host}][{port}][{peer_cred}]", &empty, out, sizeof out), 0);
    ck_assert_str_eq(out, "[h][][]");
    ck_assert_int_eq(iut_expand("a{suite}b", NULL, out, sizeof out), 0);
    ck_assert_str_eq(out, "ab");
    ck_assert_int_eq(iut_expand("", &v, out, sizeof out), 0);
    ck_assert_str_eq(out, "");
    /* a lone closing brace is kept */
    ck_assert_int_eq(iut_expand("a}b", &v, out, sizeof out), 0);
    ck_assert_str_eq(out, "a}b");
}
END_TEST

/* {oscore}: "oscore" only when the scenario uses OSCORE and every IUT of the
 * job claims it; a template tests it in shell, as for {message_4}. */
/* {name?TEXT} and {name!TEXT}: TEXT, its own placeholders expanded, when
 * the value is (not) empty; braces inside; errors. */
START_TEST(expand_conditional_placeholders)
{
    char out[256];
    iut_vars v = {.message_4 = "message_4", .vector = "v.json", .oscore = ""};
    ck_assert_int_eq(iut_expand("p {message_4?--message-4} {vector?--vector {vector}} "
                                "{oscore!--no-oscore} {oscore?--oscore} {c_i?--c-i {c_i}}.",
                                &v, out, sizeof out), 0);
    ck_assert_str_eq(out, "p --message-4 --vector v.json --no-oscore  .");
    iut_vars none = {0};
    ck_assert_int_eq(iut_expand("p{message_4?-m}{vector!{{none}}}{vector?x{{y}}}", &none, out,
                                sizeof out), 0);
    ck_assert_str_eq(out, "p{none}");
    /* nested */
    ck_assert_int_eq(iut_expand("{vector?{message_4?both}}", &v, out, sizeof out), 0);
    ck_assert_str_eq(out, "both");
    /* an unknown name inside, an unclosed one, none at all */
    ck_assert_int_eq(iut_expand("{vector?--v {vectr}}", &v, out, sizeof out), -1);
    ck_assert_int_eq(iut_expand("{vector?--v {vector}", &v, out, sizeof out), -1);
    ck_assert_int_eq(iut_expand("{?x}", &v, out, sizeof out), -1);
    ck_assert(iut_uses("a {c_i?--c-i {c_i}}", "c_i"));
    ck_assert(iut_uses("a {oscore!--no-oscore}", "oscore"));
    ck_assert(!iut_uses("a {c_ii?x}", "c_i"));
}
END_TEST

START_TEST(expand_oscore)
{
    char out[64];
    ck_assert_str_eq(iut_oscore_value(true, true), "oscore");
    ck_assert_str_eq(iut_oscore_value(true, false), "");
    ck_assert_str_eq(iut_oscore_value(false, true), "");
    iut_vars v = {.oscore = iut_oscore_value(false, true)};
    ck_assert_int_eq(iut_expand("i$(test -z \"{oscore}\" && echo -n)", &v, out, sizeof out), 0);
    ck_assert_str_eq(out, "i$(test -z \"\" && echo -n)");
    v.oscore = iut_oscore_value(true, true);
    ck_assert_int_eq(iut_expand("[{oscore}]", &v, out, sizeof out), 0);
    ck_assert_str_eq(out, "[oscore]");
}
END_TEST

START_TEST(expand_rejects)
{
    char out[16];
    iut_vars v = {.port = "5683"};
    ck_assert_int_eq(iut_expand("{nope}", &v, out, sizeof out), -1);
    ck_assert_str_eq(out, "");
    ck_assert_int_eq(iut_expand("{Port}", &v, out, sizeof out), -1);   /* case matters */
    ck_assert_int_eq(iut_expand("{}", &v, out, sizeof out), -1);
    ck_assert_int_eq(iut_expand("x {port", &v, out, sizeof out), -1);  /* unterminated */
    ck_assert_int_eq(iut_expand("{ port}", &v, out, sizeof out), -1);
    /* capacity: 15 characters + NUL fit in 16, 16 do not */
    ck_assert_int_eq(iut_expand("123456789012345", &v, out, sizeof out), 0);
    ck_assert_str_eq(out, "123456789012345");
    ck_assert_int_eq(iut_expand("1234567890123456", &v, out, sizeof out), -1);
    ck_assert_int_eq(iut_expand("123456789012{port}", &v, out, sizeof out), -1); /* in a value */
    ck_assert_int_eq(iut_expand("1234567890{port}", &v, out, sizeof out), 0);
    ck_assert_str_eq(out, "12345678905683");
    ck_assert_int_eq(iut_expand("x", &v, out, 0), -1);
    ck_assert_int_eq(iut_expand("x", &v, out, 1), -1);
    ck_assert_int_eq(iut_expand("", &v, out, 1), 0);
}
END_TEST

/* ---- readiness by line ---- */

START_TEST(ready_line_late)
{
    scratch s;
    scratch_make(&s);
    int64_t t0 = t_ms();
    iut_proc *p = iut_start("exec '" FAKE "ready_late.sh' 0.2 'EDHOC READY'", s.out, s.err);
    ck_assert_ptr_nonnull(p);
    ck_assert_int_gt(iut_pid(p), 0);
    ck_assert_int_eq(iut_wait_ready(p, "EDHOC READY", NULL, 0, 5000), IUT_READY);
    int64_t dt = t_ms() - t0;
    ck_assert_int_ge(dt, 200);
    ck_assert_int_lt(dt, 5000);
    iut_exit ex;
    ck_assert(!iut_poll(p, &ex));
    ck_assert(!ex.exited);
    /* the same line again: it is already in the kept output */
    ck_assert_int_eq(iut_wait_ready(p, "EDHOC READY", NULL, 0, 0), IUT_READY);
    t0 = t_ms();
    iut_stop(p, 2000, &ex);
    ck_assert_int_lt(t_ms() - t0, 1500); /* sleep dies on SIGTERM at once */
    ck_assert(ex.exited);
    ck_assert(!ex.killed);
    ck_assert_int_eq(ex.signal, 15);
    char buf[256];
    ck_assert_ptr_nonnull(strstr(slurp(s.out, buf, sizeof buf), "log: EDHOC READY\n"));
    ck_assert_uint_eq(ex.stdout_bytes, (size_t)file_size(s.out));
    ck_assert_str_eq(slurp(s.err, buf, sizeof buf), "some diagnostics\n");
    ck_assert_uint_eq(ex.stderr_bytes, 17);
    scratch_free(&s);
}
END_TEST

START_TEST(ready_line_never)
{
    scratch s;
    scratch_make(&s);
    iut_proc *p = iut_start("exec '" FAKE "never_ready.sh'", s.out, s.err);
    ck_assert_ptr_nonnull(p);
    int64_t t0 = t_ms();
    ck_assert_int_eq(iut_wait_ready(p, "EDHOC READY", NULL, 0, 700), IUT_NOT_READY);
    int64_t dt = t_ms() - t0;
    ck_assert_int_ge(dt, 690);
    ck_assert_int_lt(dt, 1700);
    iut_exit ex;
    iut_stop(p, 1000, &ex);
    ck_assert(ex.exited);
    ck_assert_uint_eq(ex.stdout_bytes, strlen("initialising...\n"));
    scratch_free(&s);
}
END_TEST

START_TEST(exits_127)
{
    scratch s;
    scratch_make(&s);
    iut_proc *p = iut_start("exec '" FAKE "no-such-iut' --port 5683", s.out, s.err);
    ck_assert_ptr_nonnull(p);
    int64_t t0 = t_ms();
    ck_assert_int_eq(iut_wait_ready(p, "EDHOC READY", NULL, 0, 5000), IUT_EXITED);
    ck_assert_int_lt(t_ms() - t0, 2000);
    iut_exit ex;
    ck_assert(iut_wait(p, 2000, &ex));
    ck_assert(ex.exited);
    ck_assert_int_eq(ex.code, 127);
    ck_assert_int_eq(ex.signal, 0);
    ck_assert(iut_poll(p, &ex)); /* still reported: not reaped until iut_stop */
    ck_assert_int_eq(ex.code, 127);
    /* probe mode notices the exit too */
    ck_assert_int_eq(iut_wait_ready(p, NULL, "127.0.0.1", free_udp_port(), 5000), IUT_EXITED);
    iut_stop(p, 1000, &ex);
    ck_assert(ex.exited);
    ck_assert(!ex.killed);
    ck_assert_int_eq(ex.code, 127);
    ck_assert_uint_gt(ex.stderr_bytes, 0); /* "not found" */
    scratch_free(&s);
}
END_TEST

START_TEST(ready_then_exit_is_ready)
{
    scratch s;
    scratch_make(&s);
    /* lots of output first, so the line arrives late in a big read */
    iut_proc *p = iut_start("head -c 300000 /dev/zero | tr '\\000' x; echo 'EDHOC READY'; exit 3",
                            s.out, s.err);
    ck_assert_ptr_nonnull(p);
    iut_exit ex;
    /* see the exit as early as possible (the test may poll, the harness
     * does not), then ask: the line written before the exit still counts */
    int64_t t0 = t_ms();
    while (!iut_poll(p, &ex) && t_ms() - t0 < 5000)
        nanosleep(&(struct timespec){0, 100000}, NULL);
    ck_assert(ex.exited);
    ck_assert_int_eq(ex.code, 3);
    ck_assert_int_eq(iut_wait_ready(p, "EDHOC READY", NULL, 0, 1000), IUT_READY);
    iut_stop(p, 1000, &ex);
    ck_assert_int_eq(ex.code, 3);
    ck_assert_uint_eq(ex.stdout_bytes, 300000 + 12);
    scratch_free(&s);
}
END_TEST

START_TEST(crash_sigsegv)
{
    scratch s;
    scratch_make(&s);
    iut_proc *p = iut_start("exec '" FAKE "crash.sh'", s.out, s.err);
    ck_assert_ptr_nonnull(p);
    ck_assert_int_eq(iut_wait_ready(p, "EDHOC READY", NULL, 0, 5000), IUT_EXITED);
    iut_exit ex;
    ck_assert(iut_wait(p, 2000, &ex));
    ck_assert_int_eq(ex.signal, 11);
    iut_stop(p, 1000, &ex);
    ck_assert(ex.exited);
    ck_assert(!ex.killed);
    ck_assert_int_eq(ex.signal, 11);
    scratch_free(&s);
}
END_TEST

/* ---- stop ---- */

START_TEST(stop_ignores_sigterm)
{
    scratch s;
    scratch_make(&s);
    iut_proc *p = iut_start("exec '" FAKE "ignore_term.sh'", s.out, s.err);
    ck_assert_ptr_nonnull(p);
    ck_assert_int_eq(iut_wait_ready(p, "READY", NULL, 0, 5000), IUT_READY);
    ck_assert(!iut_wait(p, 100, NULL));
    int64_t t0 = t_ms();
    iut_exit ex;
    iut_stop(p, 500, &ex);
    int64_t dt = t_ms() - t0;
    ck_assert_int_ge(dt, 490);
    ck_assert_int_lt(dt, 1500);
    ck_assert(ex.exited);
    ck_assert(ex.killed);
    ck_assert_int_eq(ex.signal, 9);
    scratch_free(&s);
}
END_TEST

START_TEST(stop_with_grandchildren_holding_stdout)
{
    scratch s;
    scratch_make(&s);
    /* the escaped grandchild lives 5 s and keeps the pipes open meanwhile */
    iut_proc *p = iut_start("exec '" FAKE "grandchild.sh' 5", s.out, s.err);
    ck_assert_ptr_nonnull(p);
    ck_assert_int_eq(iut_wait_ready(p, "READY", NULL, 0, 5000), IUT_READY);
    int64_t t0 = t_ms();
    iut_exit ex;
    iut_stop(p, 500, &ex);
    ck_assert_int_lt(t_ms() - t0, 1500);
    ck_assert(ex.exited);
    ck_assert_int_eq(ex.signal, 15);
    ck_assert(ex.killed); /* the output pipes were still open after the grace time */
    ck_assert_uint_eq(ex.stdout_bytes, 6);
    scratch_free(&s);
}
END_TEST

START_TEST(stop_zero_grace_and_null_exit)
{
    scratch s;
    scratch_make(&s);
    iut_proc *p = iut_start("exec '" FAKE "never_ready.sh'", NULL, NULL); /* no capture files */
    ck_assert_ptr_nonnull(p);
    int64_t t0 = t_ms();
    iut_stop(p, 0, NULL);
    ck_assert_int_lt(t_ms() - t0, 1000);
    iut_stop(NULL, 0, NULL);
    scratch_free(&s);
}
END_TEST

/* ---- capture ---- */

START_TEST(flood_is_capped_and_not_blocked)
{
    scratch s;
    scratch_make(&s);
    iut_proc *p = iut_start("exec '" FAKE "flood.sh' 20971520", s.out, s.err);
    ck_assert_ptr_nonnull(p);
    iut_exit ex;
    ck_assert(iut_wait(p, 30000, &ex)); /* exits by itself: never blocked on the pipe */
    ck_assert_int_eq(ex.code, 0);
    iut_stop(p, 1000, &ex);
    ck_assert(ex.exited);
    ck_assert(!ex.killed);
    ck_assert_int_eq(ex.code, 0);
    ck_assert_uint_eq(ex.stdout_bytes, 20971520);
    ck_assert_uint_eq(ex.stderr_bytes, strlen("flooding\n"));
    ck_assert_int_eq(file_size(s.out), (long)IUT_MAX_CAPTURE);
    ck_assert_int_eq(file_size(s.err), (long)strlen("flooding\n"));
    scratch_free(&s);
}
END_TEST

START_TEST(binary_garbage)
{
    scratch s;
    scratch_make(&s);
    iut_proc *p = iut_start("exec '" FAKE "garbage.sh'", s.out, s.err);
    ck_assert_ptr_nonnull(p);
    ck_assert_int_eq(iut_wait_ready(p, "READY-AFTER-GARBAGE", NULL, 0, 5000), IUT_READY);
    iut_exit ex;
    iut_stop(p, 1000, &ex);
    ck_assert_uint_eq(ex.stdout_bytes, 100000 + 3 + strlen("READY-AFTER-GARBAGE\n"));
    ck_assert_uint_eq(ex.stderr_bytes, 5000);
    ck_assert_int_eq(file_size(s.out), (long)ex.stdout_bytes);
    scratch_free(&s);
}
END_TEST

START_TEST(no_harness_fds_leak_into_iut)
{
    scratch s, s2;
    scratch_make(&s);
    scratch_make(&s2);
    iut_proc *other = iut_start("exec '" FAKE "never_ready.sh'", s2.out, s2.err);
    ck_assert_ptr_nonnull(other);
    /* the shell lists its own open descriptors: only 0, 1 and 2 */
    iut_proc *p = iut_start("ls /proc/$$/fd", s.out, s.err);
    ck_assert_ptr_nonnull(p);
    iut_exit ex;
    ck_assert(iut_wait(p, 5000, &ex));
    iut_stop(p, 1000, &ex);
    char buf[256];
    ck_assert_str_eq(slurp(s.out, buf, sizeof buf), "0\n1\n2\n");
    iut_stop(other, 1000, NULL);
    scratch_free(&s);
    scratch_free(&s2);
}
END_TEST

/* ---- commands run without a shell (iut_argv.h) ---- */

START_TEST(argv_split_plain_commands_only)
{
    char buf[256], *argv[IUT_ARGV_MAX];
    ck_assert(iut_argv_split("  /bin/echo  --port 5683 a=b,c:d@e+f%g^h ", buf, sizeof buf, argv));
    ck_assert_str_eq(argv[0], "/bin/echo");
    ck_assert_str_eq(argv[1], "--port");
    ck_assert_str_eq(argv[2], "5683");
    ck_assert_str_eq(argv[3], "a=b,c:d@e+f%g^h");
    ck_assert_ptr_null(argv[4]);
    /* what only a shell gives its meaning: quotes, variables, redirections,
     * globs, separators, builtins, PATH look-up, assignments, tilde */
    static const char *const shell[] = {
        "/bin/echo 'a b'", "/bin/echo \"a\"", "/bin/echo $HOME", "/bin/echo a > /dev/null",
        "/bin/echo *", "/bin/echo a; /bin/echo b", "/bin/echo a | /bin/cat", "exit 3",
        "echo a", "A=1 /bin/echo", "/bin/echo ~", "/bin/echo a\tb", "/bin/echo `x`",
        "/bin/echo a\\b", "/bin/echo {a,b}", "/bin/echo a && /bin/true", "/bin/echo (a)",
        "/bin/echo #a", "/bin/echo a!"};
    for (size_t i = 0; i < sizeof shell / sizeof shell[0]; i++) {
        ck_assert_msg(!iut_argv_split(shell[i], buf, sizeof buf, argv), "%s", shell[i]);
        ck_assert_ptr_null(argv[0]);
    }
    /* a path that the shell would report as not found (127), or not a
     * program: the shell runs it, so the report stays the shell's */
    ck_assert(!iut_argv_split("/nonexistent/iut --port 1", buf, sizeof buf, argv));
    scratch s;
    scratch_make(&s); /* s.out: a file that is not executable */
    FILE *f = fopen(s.out, "w");
    ck_assert_ptr_nonnull(f);
    fclose(f);
    ck_assert_int_eq(chmod(s.out, 0644), 0);
    char cmd[1100];
    snprintf(cmd, sizeof cmd, "%s --port 1", s.out);
    ck_assert(!iut_argv_split(cmd, buf, sizeof buf, argv));
    /* executable, but a script without "#!": only a shell runs it */
    f = fopen(s.out, "w");
    ck_assert_ptr_nonnull(f);
    fputs("echo hello\n", f);
    fclose(f);
    ck_assert_int_eq(chmod(s.out, 0755), 0);
    ck_assert(!iut_argv_split(cmd, buf, sizeof buf, argv));
    iut_proc *p = iut_start(cmd, NULL, NULL);
    ck_assert_ptr_nonnull(p);
    iut_exit ex;
    ck_assert(iut_wait(p, 5000, &ex));
    ck_assert_int_eq(ex.code, 0); /* the shell ran it */
    iut_stop(p, 1000, &ex);
    f = fopen(s.out, "w"); /* with its interpreter line: run directly */
    ck_assert_ptr_nonnull(f);
    fputs("#!/bin/sh\necho hello\n", f);
    fclose(f);
    ck_assert(iut_argv_split(cmd, buf, sizeof buf, argv));
    scratch_free(&s);
    ck_assert(!iut_argv_split("/bin", buf, sizeof buf, argv));
    ck_assert(!iut_argv_split("", buf, sizeof buf, argv));
    ck_assert(!iut_argv_split("/bin/echo a", buf, 5, argv)); /* does not fit */
}
END_TEST

/* A plain command runs as the IUT process itself: no shell in between (the
 * IUT's pid is the program's, which a signal reaches first hand), and it
 * inherits no descriptor of the harness either. */
START_TEST(plain_command_runs_without_a_shell)
{
    scratch s;
    scratch_make(&s);
    iut_proc *p = iut_start("/bin/sleep 30", s.out, s.err);
    ck_assert_ptr_nonnull(p);
    char path[64], comm[64] = "";
    snprintf(path, sizeof path, "/proc/%ld/comm", (long)iut_pid(p));
    for (int i = 0; i < 500 && strcmp(comm, "sleep\n") != 0; i++) {
        FILE *f = fopen(path, "r");
        if (f != NULL) {
            if (fgets(comm, sizeof comm, f) == NULL)
                comm[0] = 0;
            fclose(f);
        }
        if (strcmp(comm, "sleep\n") != 0) {
            struct timespec ts = {0, 2 * 1000000L};
            nanosleep(&ts, NULL);
        }
    }
    ck_assert_str_eq(comm, "sleep\n");
    iut_exit ex;
    iut_stop(p, 1000, &ex);
    ck_assert(ex.exited);
    ck_assert_int_eq(ex.signal, SIGTERM); /* the program's own death, no shell's 143 */
    scratch_free(&s);

    scratch_make(&s);
    p = iut_start("/bin/ls /proc/self/fd", s.out, s.err);
    ck_assert_ptr_nonnull(p);
    ck_assert(iut_wait(p, 5000, &ex));
    iut_stop(p, 1000, &ex);
    char buf[256];
    /* ls's own descriptor of the directory it lists is the 3 */
    ck_assert_str_eq(slurp(s.out, buf, sizeof buf), "0\n1\n2\n3\n");
    scratch_free(&s);
}
END_TEST

/* ---- readiness by CoAP ping ---- */

START_TEST(probe_responder_ready)
{
    scratch s;
    scratch_make(&s);
    char port[16], cmd[512];
    int portn = free_udp_port();
    snprintf(port, sizeof port, "%d", portn);
    iut_vars v = {.port = port};
    ck_assert_int_eq(iut_expand("exec /usr/bin/python3 '" FAKE "udp_responder.py' {port}", &v,
                                cmd, sizeof cmd),
                     0);
    iut_proc *p = iut_start(cmd, s.out, s.err);
    ck_assert_ptr_nonnull(p);
    int64_t t0 = t_ms();
    ck_assert_int_eq(iut_wait_ready(p, NULL, "127.0.0.1", portn, 10000), IUT_READY);
    ck_assert_int_lt(t_ms() - t0, 10000);
    ck_assert_int_eq(iut_wait_ready(p, "", "localhost", portn, 2000), IUT_READY);
    iut_exit ex;
    iut_stop(p, 1000, &ex);
    ck_assert(ex.exited);
    ck_assert(!ex.killed);
    scratch_free(&s);
}
END_TEST

START_TEST(probe_nothing_listening)
{
    scratch s;
    scratch_make(&s);
    iut_proc *p = iut_start("exec '" FAKE "never_ready.sh'", s.out, s.err);
    ck_assert_ptr_nonnull(p);
    int64_t t0 = t_ms();
    ck_assert_int_eq(iut_wait_ready(p, NULL, "127.0.0.1", free_udp_port(), 800), IUT_NOT_READY);
    int64_t dt = t_ms() - t0;
    ck_assert_int_ge(dt, 790);
    ck_assert_int_lt(dt, 1800);
    iut_stop(p, 1000, NULL);
    scratch_free(&s);
}
END_TEST

/* ---- several IUTs at once ---- */

typedef struct waiter {
    iut_proc *p;
    const char *line;
    iut_ready res;
} waiter;

static void *wait_thread(void *arg)
{
    waiter *w = arg;
    w->res = iut_wait_ready(w->p, w->line, NULL, 0, 5000);
    return NULL;
}

START_TEST(two_iuts_at_once)
{
    scratch a, b;
    scratch_make(&a);
    scratch_make(&b);
    iut_proc *pa = iut_start("exec '" FAKE "ready_late.sh' 0.3 'ALPHA READY'", a.out, a.err);
    iut_proc *pb = iut_start("exec '" FAKE "ready_late.sh' 0.2 'BRAVO READY'", b.out, b.err);
    ck_assert_ptr_nonnull(pa);
    ck_assert_ptr_nonnull(pb);
    waiter wa = {pa, "ALPHA READY", IUT_NOT_READY}, wb = {pb, "BRAVO READY", IUT_NOT_READY};
    pthread_t ta, tb;
    ck_assert_int_eq(pthread_create(&ta, NULL, wait_thread, &wa), 0);
    ck_assert_int_eq(pthread_create(&tb, NULL, wait_thread, &wb), 0);
    pthread_join(ta, NULL);
    pthread_join(tb, NULL);
    ck_assert_int_eq(wa.res, IUT_READY);
    ck_assert_int_eq(wb.res, IUT_READY);
    /* each sees only its own output */
    ck_assert_int_eq(iut_wait_ready(pa, "BRAVO", NULL, 0, 100), IUT_NOT_READY);
    iut_exit ea, eb;
    iut_stop(pb, 1000, &eb);
    ck_assert(iut_wait(pa, 0, NULL) == false);
    iut_stop(pa, 1000, &ea);
    ck_assert(!ea.killed && !eb.killed);
    char buf[256];
    ck_assert_ptr_nonnull(strstr(slurp(a.out, buf, sizeof buf), "ALPHA READY"));
    ck_assert_ptr_null(strstr(buf, "BRAVO"));
    ck_assert_ptr_nonnull(strstr(slurp(b.out, buf, sizeof buf), "BRAVO READY"));
    scratch_free(&a);
    scratch_free(&b);
}
END_TEST

Suite *eh_test_iut_suite(void)
{
    Suite *s = suite_create("iut");
    TCase *tc = tcase_create("iut");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, expand_placeholders);
    tcase_add_test(tc, expand_oscore);
    tcase_add_test(tc, expand_conditional_placeholders);
    tcase_add_test(tc, expand_rejects);
    tcase_add_test(tc, ready_line_late);
    tcase_add_test(tc, ready_line_never);
    tcase_add_test(tc, exits_127);
    tcase_add_test(tc, ready_then_exit_is_ready);
    tcase_add_test(tc, crash_sigsegv);
    tcase_add_test(tc, stop_ignores_sigterm);
    tcase_add_test(tc, stop_with_grandchildren_holding_stdout);
    tcase_add_test(tc, stop_zero_grace_and_null_exit);
    tcase_add_test(tc, flood_is_capped_and_not_blocked);
    tcase_add_test(tc, binary_garbage);
    tcase_add_test(tc, no_harness_fds_leak_into_iut);
    tcase_add_test(tc, argv_split_plain_commands_only);
    tcase_add_test(tc, plain_command_runs_without_a_shell);
    tcase_add_test(tc, probe_responder_ready);
    tcase_add_test(tc, probe_nothing_listening);
    tcase_add_test(tc, two_iuts_at_once);
    suite_add_tcase(s, tc);
    return s;
}
