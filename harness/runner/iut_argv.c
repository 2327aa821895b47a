/* iut_argv.c - see iut_argv.h. */
#include "iut_argv.h"

#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Does the file start as the kernel runs it by itself: an ELF binary, or a
 * script with its interpreter line? (A script without "#!" only a shell
 * runs, as one of its own.) */
static bool kernel_runs(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    unsigned char m[4] = {0};
    ssize_t n = read(fd, m, sizeof m);
    close(fd);
    return (n >= 2 && m[0] == '#' && m[1] == '!') ||
           (n == 4 && m[0] == 0x7f && m[1] == 'E' && m[2] == 'L' && m[3] == 'F');
}

static bool plain_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           (c != 0 && strchr("_-./,:@+=%^", c) != NULL);
}

bool iut_argv_split(const char *command, char *buf, size_t cap, char *argv[IUT_ARGV_MAX])
{
    argv[0] = NULL;
    if (command == NULL)
        return false;
    size_t len = strlen(command);
    if (len + 1 > cap)
        return false;
    for (size_t i = 0; i < len; i++)
        if (command[i] != ' ' && !plain_char(command[i]))
            return false;
    memcpy(buf, command, len + 1);
    size_t n = 0;
    for (char *p = buf; *p;) {
        while (*p == ' ')
            *p++ = 0;
        if (*p == 0)
            break;
        if (n + 1 >= IUT_ARGV_MAX) {
            argv[0] = NULL;
            return false;
        }
        argv[n++] = p;
        while (*p && *p != ' ')
            p++;
    }
    argv[n] = NULL;
    struct stat st;
    if (n == 0 || strchr(argv[0], '/') == NULL || strchr(argv[0], '=') != NULL ||
        stat(argv[0], &st) != 0 || !S_ISREG(st.st_mode) || access(argv[0], X_OK) != 0 ||
        !kernel_runs(argv[0])) {
        argv[0] = NULL;
        return false;
    }
    return true;
}
