/* server/main.c - coredns: command line, start-up, signals, reload */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "common/alloccount.h"
#include "common/err.h"
#include "common/evloop.h"
#include "common/httpd.h"
#include "common/log.h"
#include "common/strutil.h"
#include "server/debug_http.h"
#include "server/metrics.h"
#include "server/plugin.h"
#include "server/server.h"
#include "server/worker.h"

#define SERVER_VERSION "CoreDNS-C-" PACKAGE_VERSION

static const char *conf_path;
static uint16_t dns_port = 53;
static int nworkers;
static struct config *current;
static struct evloop *main_loop;

static void
usage(FILE *f)
{
	fprintf(f, "Usage of coredns:\n"
	           "  -conf string\n"
	           "\tCorefile to load (default \"Corefile\")\n"
	           "  -dns.port string, -p string\n"
	           "\tDefault port (default \"53\")\n"
	           "  -pidfile string\n"
	           "\tPath to write pid file\n"
	           "  -plugins\n"
	           "\tList installed plugins\n"
	           "  -quiet\n"
	           "\tQuiet mode (no initialization output)\n"
	           "  -validate\n"
	           "\tCheck the Corefile and exit: 0 valid, 1 invalid\n"
	           "  -version\n"
	           "\tShow version\n"
	           "  -workers int\n"
	           "\tWorker threads (default: one per core)\n"
	           "  -debug.addr string\n"
	           "\tServe /debug/vars (worker counters) on ADDR:PORT\n");
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void
list_plugins(void)
{
	const char *names[64];
	size_t n = 0;

	for (size_t i = 0; i < plugin_count && n < 64; i++)
		names[n++] = plugin_table[i]->name;
	qsort(names, n, sizeof(names[0]), cmp_str);
	printf("Server types:\n  dns\n\nCaddyfile loaders:\n  flag\n  "
	       "default\n\nOther plugins:\n");
	for (size_t i = 0; i < n; i++)
		printf("  dns.%s\n", names[i]);
}

static void
print_version(void)
{
	struct utsname u;

	if (uname(&u) != 0)
		strcpy(u.machine, "unknown");
	printf("%s\nlinux/%s, C11\n", SERVER_VERSION, u.machine);
}

static int
reload_now(void)
{
	char err[1024];
	struct config *next;
	uint64_t lameduck = server_lameduck_ms();

	log_info("Reloading");
	next = config_load(conf_path, dns_port, nworkers, err, sizeof(err));
	if (next == NULL)
		goto fail;
	if (config_open_listeners(next, current, err, sizeof(err)) != 0) {
		config_unref(next);
		goto fail;
	}
	if (config_start(next, err, sizeof(err)) != 0) {
		config_close_unused(next, current);
		config_unref(next);
		goto fail;
	}
	if (workers_switch(next) != 0)
		log_warn("reload: a worker was slow to take the new "
		         "configuration");
	config_close_unused(current, next);
	config_unref(current);
	current = next;
	server_set_current_config(current);
	debug_reloads_ok++;
	log_info("Reloading complete");
	return 0;
fail:
	debug_reloads_failed++;
	log_err("Reload failed, keeping the running configuration: %s", err);
	server_reset_lameduck();
	server_set_lameduck(lameduck);
	return ERR_CONFIG;
}

static void
reload(void *arg)
{
	(void)arg;
	(void)reload_now();
}

static struct ev_timer *lameduck_timer;

static void
lameduck_over(void *arg)
{
	(void)arg;
	log_info("Shutting down");
	evloop_break(main_loop);
}

static void
shutdown_cb(void *arg)
{
	uint64_t ms = server_lameduck_ms();

	(void)arg;
	if (ms > 0 && !server_in_lameduck() &&
	    (lameduck_timer = ev_timer_new(main_loop, lameduck_over, NULL)) !=
	        NULL) {
		/* keep answering while load balancers notice /ready */
		server_enter_lameduck();
		char d[48];

		str_go_duration(d, sizeof(d), ms);
		log_info("Going into lameduck mode for %s", d);
		ev_timer_start(lameduck_timer, ms);
		return;
	}
	lameduck_over(NULL);
}

/* Go's flag package: -name, --name, -name=value, -name value. */
static const char *
flag_value(int argc, char **argv, int *i, const char *arg)
{
	const char *eq = strchr(arg, '=');

	if (eq != NULL)
		return eq + 1;
	if (*i + 1 >= argc)
		return NULL;
	return argv[++*i];
}

/* A boolean flag's value: "-x", "-x=true" are true, "-x=false" false. */
static bool
flag_bool(const char *arg)
{
	const char *eq = strchr(arg, '=');

	return eq == NULL || strcmp(eq + 1, "true") == 0 ||
	       strcmp(eq + 1, "1") == 0 || strcmp(eq + 1, "t") == 0;
}

static bool
flag_is(const char *arg, const char *name)
{
	size_t n = strlen(name);

	while (*arg == '-')
		arg++;
	return strncmp(arg, name, n) == 0 && (arg[n] == '\0' || arg[n] == '=');
}

static int
write_pidfile(const char *path)
{
	FILE *f = fopen(path, "w");

	if (f == NULL)
		return ERR_IO;
	fprintf(f, "%ld\n", (long)getpid());
	return fclose(f) == 0 ? 0 : ERR_IO;
}

int
main(int argc, char **argv)
{
	const char *pidfile = NULL, *debug_addr = NULL;
	bool validate = false, quiet = false;
	char err[1024];
	struct httpd *dbg = NULL;
	struct ev_signal *sigs[4] = { NULL };
	uint64_t v;
	int rc = 1;

	nworkers = (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (nworkers < 1)
		nworkers = 1;
	if (nworkers > SERVER_MAX_WORKERS)
		nworkers = SERVER_MAX_WORKERS; /* what -workers accepts */
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *val;

		if (a[0] != '-') {
			fprintf(stderr, "unexpected argument '%s'\n", a);
			usage(stderr);
			return 2;
		}
		if (flag_is(a, "conf")) {
			if ((conf_path = flag_value(argc, argv, &i, a)) == NULL)
				goto needs_value;
		} else if (flag_is(a, "dns.port") || flag_is(a, "p")) {
			if ((val = flag_value(argc, argv, &i, a)) == NULL)
				goto needs_value;
			if (str_parse_uint(val, 1, 65535, &v) != 0) {
				fprintf(stderr, "invalid port '%s'\n", val);
				return 2;
			}
			dns_port = (uint16_t)v;
		} else if (flag_is(a, "pidfile")) {
			if ((pidfile = flag_value(argc, argv, &i, a)) == NULL)
				goto needs_value;
		} else if (flag_is(a, "workers")) {
			if ((val = flag_value(argc, argv, &i, a)) == NULL)
				goto needs_value;
			if (str_parse_uint(val, 1, SERVER_MAX_WORKERS, &v) !=
			    0) {
				fprintf(stderr, "invalid -workers '%s'\n", val);
				return 2;
			}
			nworkers = (int)v;
		} else if (flag_is(a, "debug.addr")) {
			if ((debug_addr = flag_value(argc, argv, &i, a)) ==
			    NULL)
				goto needs_value;
		} else if (flag_is(a, "plugins")) {
			if (flag_bool(a)) {
				list_plugins();
				return 0;
			}
		} else if (flag_is(a, "version")) {
			if (flag_bool(a)) {
				print_version();
				return 0;
			}
		} else if (flag_is(a, "quiet")) {
			quiet = flag_bool(a);
		} else if (flag_is(a, "validate")) {
			validate = flag_bool(a);
		} else if (flag_is(a, "h") || flag_is(a, "help")) {
			usage(stdout);
			return 0;
		} else {
			fprintf(
			    stderr, "flag provided but not defined: %s\n", a);
			usage(stderr);
			return 2;
		}
	}
	if (conf_path == NULL) {
		struct stat st;

		if (stat("Corefile", &st) == 0)
			conf_path = "Corefile";
	}
	log_set_quiet(quiet);
	srand((unsigned)time(NULL) ^ (unsigned)getpid()); /* reload jitter */
	alloccount_init();
	if (evloop_global_init() != 0) {
		fprintf(stderr, "cannot initialise libevent threads\n");
		return 1;
	}
	current = config_load(conf_path, dns_port, nworkers, err, sizeof(err));
	if (current == NULL) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	if (validate) {
		printf("Valid configuration: %s\n",
		    conf_path != NULL ? conf_path : "(default)");
		config_unref(current);
		return 0;
	}
	if (conf_path == NULL)
		log_info("No Corefile found: using the default configuration");
	signal(SIGPIPE, SIG_IGN);
	if ((main_loop = evloop_new()) == NULL) {
		fprintf(stderr, "cannot create the event loop\n");
		goto out;
	}
	server_set_main_loop(main_loop);
	if (metrics_init(nworkers) != 0 ||
	    config_open_listeners(current, NULL, err, sizeof(err)) != 0 ||
	    config_start(current, err, sizeof(err)) != 0) {
		fprintf(stderr, "%s\n", err);
		goto out;
	}
	if (debug_addr != NULL && (dbg = debug_http_start(main_loop, debug_addr,
	                               err, sizeof(err))) == NULL) {
		fprintf(stderr, "-debug.addr: %s\n", err);
		goto out;
	}
	if (pidfile != NULL && write_pidfile(pidfile) != 0) {
		fprintf(stderr, "cannot write pidfile %s: %s\n", pidfile,
		    strerror(errno));
		goto out;
	}
	sigs[0] = ev_signal_new(main_loop, SIGTERM, shutdown_cb, NULL);
	sigs[1] = ev_signal_new(main_loop, SIGINT, shutdown_cb, NULL);
	sigs[2] = ev_signal_new(main_loop, SIGHUP, reload, NULL);
	sigs[3] = ev_signal_new(main_loop, SIGUSR1, reload, NULL);
	server_set_reload_hook(reload_now);
	server_set_current_config(current);
	if (workers_start(nworkers, current) != 0) {
		fprintf(stderr, "cannot start worker threads\n");
		goto out;
	}
	if (!quiet) {
		for (size_t i = 0; i < current->ngroups; i++) {
			bool seen = false;

			for (size_t j = 0; j < i; j++)
				if (strcmp(current->groups[j].name,
				        current->groups[i].name) == 0)
					seen = true;
			if (!seen)
				printf("%s\n", current->groups[i].name);
		}
		print_version();
		fflush(stdout);
	}
	evloop_run(main_loop);
	workers_stop(5000);
	rc = 0;
out:
	for (int i = 0; i < 4; i++)
		ev_signal_free(sigs[i]);
	ev_timer_free(lameduck_timer);
	server_set_current_config(NULL);
	httpd_free(dbg);
	if (current != NULL) {
		config_close_unused(current, NULL);
		config_unref(current);
	}
	evloop_free(main_loop);
	if (pidfile != NULL && rc == 0)
		unlink(pidfile);
	return rc;
needs_value:
	fprintf(stderr, "flag needs an argument: %s\n", argv[argc - 1]);
	usage(stderr);
	return 2;
}
