using Baton.Runtime;
using Baton.Values;

namespace Baton.Providers.Host;

/// <summary>The schema of the host family.</summary>
internal static class HostSchema
{
    public const string FileType = "host.file";
    public const string DirectoryType = "host.directory";
    public const string ExecType = "host.exec";
    public const string PackageType = "host.package";
    public const string ServiceType = "host.service";
    public const string UserType = "host.user";
    public const string GroupType = "host.group";
    public const string TemplateType = "host.template";
    public const string LinkType = "host.link";
    public const string LineType = "host.line";
    public const string CronType = "host.cron";

    public const string ExecAction = "host.exec";
    public const string RestartAction = "host.restart";
    public const string ReloadAction = "host.reload";
    public const string FactsAction = "host.facts";
    public const string CopyAction = "host.copy";
    public const string FetchAction = "host.fetch";

    /// <summary>How much of a command's stdout, and of its stderr, is kept.</summary>
    public const int MaxOutputChars = 64 * 1024;

    /// <summary>The largest file whose content a read of host.file or host.template fetches back.</summary>
    public const int MaxReadBackBytes = 64 * 1024;

    /// <summary>Where host.cron writes its entries.</summary>
    public const string CronDirectory = "/etc/cron.d";

    private const string ReadBack = "Read fetches the content back in the same command as the check when the file is at most 64 KiB of valid UTF-8, so a hand edit shows as a change of content (a plan can show its diff); a bigger or binary file is compared by sha256 and size only.";

    private static AttributeSchema HostAttribute { get; } =
        AttributeSchema.Input("host", BatonType.String, "The host to configure: a name of the provider's inventory (a resource with `hosts: GROUP` gets one instance per host of the group). Changing it replaces the resource.") with { Required = true, ForceNew = true };

    private static AttributeSchema IdAttribute { get; } = AttributeSchema.Output("id", BatonType.String, "HOST:KIND:NAME, such as web1:file:/etc/motd (for host.exec: HOST:exec:ADDRESS; for host.line: HOST:line:PATH:MATCH, or HOST:line:PATH:LINE without match).");

    private static AttributeSchema PathAttribute(string what) =>
        AttributeSchema.Input("path", BatonType.String, $"The {what}'s absolute path on the host. Changing it replaces the resource.") with { Required = true, ForceNew = true };

    private static AttributeSchema State(string present, string absent) =>
        AttributeSchema.Input("state", BatonType.String, $"present or absent: whether the {present} must exist, or must not ({absent}). Read reports what is there, so one made or removed by hand shows as drift.") with { Default = Value.String("present") };

    private static AttributeSchema Owner(string what) =>
        AttributeSchema.Input("owner", BatonType.String, $"The {what}'s owner, a user name (or a numeric uid, compared as a number). Left out: a new {what} belongs to the login (or become) user and an existing one keeps its owner; read reports the owner found.") with { Computed = true, Optional = true };

    private static AttributeSchema GroupAttribute(string what) =>
        AttributeSchema.Input("group", BatonType.String, $"The {what}'s group, a group name (or a numeric gid). Left out: as for owner.") with { Computed = true, Optional = true };

    private static AttributeSchema Mode(string what, string fresh) =>
        AttributeSchema.Input("mode", BatonType.String, $"The Unix permissions, an octal string such as \"{fresh}\" (written back with four digits). Left out: a new {what} gets {fresh} and an existing one keeps its mode; read reports the mode found.") with { Computed = true, Optional = true };

    public static ResourceTypeSchema File { get; } = new()
    {
        Type = FileType,
        Description = "A file with the given content, owner, group and mode. Written through a temporary file beside it (checked for size and SHA-256, then renamed over it), so an interrupted transfer never leaves a partial file in place. Read checks content (by SHA-256), owner, group and mode in one command.",
        Attributes =
        [
            HostAttribute,
            PathAttribute("file"),
            AttributeSchema.Input("content", BatonType.String, "The file's content (UTF-8), sent over the SSH channel's standard input, never on a command line; a sensitive value stays sensitive (and so does the content read back). " + ReadBack + " Then content reports what was given.") with { Default = Value.EmptyString },
            Owner("file"),
            GroupAttribute("file"),
            Mode("file", "0644"),
            State("file", "a file there is deleted"),
            IdAttribute,
            AttributeSchema.Output("sha256", BatonType.String, "The SHA-256 (hex) of the file's content on the host; null when absent."),
            AttributeSchema.Output("size", BatonType.Number, "The file's size in bytes; null when absent."),
        ],
    };

    public static ResourceTypeSchema Directory { get; } = new()
    {
        Type = DirectoryType,
        Description = "A directory (and its missing parents) with the given owner, group and mode.",
        Attributes =
        [
            HostAttribute,
            PathAttribute("directory"),
            Owner("directory"),
            GroupAttribute("directory"),
            Mode("directory", "0755"),
            State("directory", "an empty directory there is removed"),
            AttributeSchema.Input("force_destroy", BatonType.Bool, "Whether destroying (or state absent) removes the directory with its contents; otherwise only an empty directory is removed.") with { Default = Value.False },
            IdAttribute,
        ],
    };

    public static ResourceTypeSchema Exec { get; } = new()
    {
        Type = ExecType,
        Description = "A command run on the host when the resource is created, and again when its inputs change — unless its guards say not to (like Chef's execute). Read evaluates the guards, so a plan shows when they say it would run again.",
        Attributes =
        [
            HostAttribute,
            AttributeSchema.Input("command", BatonType.ListOf(BatonType.String), "The argument list to run (never a shell string; each argument is quoted for the remote shell). To use a shell, say so: [\"sh\", \"-c\", \"…\"].") with { Required = true },
            AttributeSchema.Input("creates", BatonType.String, "An absolute path: the command is skipped when it exists."),
            AttributeSchema.Input("only_if", BatonType.ListOf(BatonType.String), "An argument list: the command runs only when it exits 0."),
            AttributeSchema.Input("not_if", BatonType.ListOf(BatonType.String), "An argument list: the command is skipped when it exits 0."),
            AttributeSchema.Input("environment", BatonType.MapOf(BatonType.String), "Environment variables for the command (and its guards)."),
            AttributeSchema.Input("cwd", BatonType.String, "The absolute directory to run the command (and its guards) in; the login user's home when not set."),
            AttributeSchema.Input("timeout", BatonType.String, "How long the command may run before it is stopped, which fails the apply; the provider's command_timeout when not set."),
            IdAttribute,
            AttributeSchema.Output("pending", BatonType.Bool, "Whether the guards say the command would run now (read evaluates them); false for a command without guards, which runs again only when its inputs change."),
            AttributeSchema.Output("ran", BatonType.Bool, "Whether the last apply ran the command (false: a guard skipped it)."),
            AttributeSchema.Output("exit_code", BatonType.Int, "The exit code of the last run (0; a failing command fails the apply); null when skipped."),
            AttributeSchema.Output("stdout", BatonType.String, "The standard output of the last run (UTF-8), the first 64 KiB; empty when skipped."),
        ],
    };

    public static ResourceTypeSchema Package { get; } = new()
    {
        Type = PackageType,
        Description = "Debian packages (apt and dpkg): installed, pinned to a version, kept at the latest candidate, or removed. Read asks dpkg-query once for every name; install is one apt-get call for all of them.",
        Attributes =
        [
            HostAttribute,
            AttributeSchema.Input("name", BatonType.String, "The package (give name or names). Changing it replaces the resource.") with { ForceNew = true },
            AttributeSchema.Input("names", BatonType.ListOf(BatonType.String), "Several packages, installed or removed together. Changing them replaces the resource.") with { ForceNew = true },
            AttributeSchema.Input("version", BatonType.String, "The version to hold the package at, exactly as dpkg writes it (such as \"1.1\" or \"1.1-1\"); one name only, state present. Downgrades are allowed."),
            AttributeSchema.Input("state", BatonType.String, "present (installed, any version unless version is set), latest (installed at apt's candidate version; an older one is drift) or absent (removed, configuration kept).") with { Default = Value.String("present") },
            AttributeSchema.Input("update_cache", BatonType.Bool, "Whether to run apt-get update before installing.") with { Default = Value.False },
            IdAttribute,
            AttributeSchema.Output("installed", BatonType.MapOf(BatonType.String), "The installed version of each package that is installed (ones that are not are left out)."),
            AttributeSchema.Output("outdated", BatonType.ListOf(BatonType.String), "With state latest: the packages whose installed version is not apt's candidate (empty otherwise)."),
        ],
    };

    public static ResourceTypeSchema Service { get; } = new()
    {
        Type = ServiceType,
        Description = "A service kept running or stopped, enabled at boot or not: through systemctl when the host runs systemd (PID 1), else the host's init scripts (service NAME start|stop|status, update-rc.d). Destroying it changes nothing on the host.",
        Attributes =
        [
            HostAttribute,
            AttributeSchema.Input("name", BatonType.String, "The service (a systemd unit without .service, or an /etc/init.d script). Changing it replaces the resource.") with { Required = true, ForceNew = true },
            AttributeSchema.Input("state", BatonType.String, "running or stopped. Left out: not managed; read reports the state found.") with { Computed = true, Optional = true },
            AttributeSchema.Input("enabled", BatonType.Bool, "Whether it starts at boot. Left out: not managed; read reports what is found.") with { Computed = true, Optional = true },
            IdAttribute,
            AttributeSchema.Output("init", BatonType.String, "systemd or sysv: how the host runs services."),
        ],
    };

    public static ResourceTypeSchema User { get; } = new()
    {
        Type = UserType,
        Description = "A local user account (useradd, usermod, userdel; the home directory is kept on delete).",
        Attributes =
        [
            HostAttribute,
            AttributeSchema.Input("name", BatonType.String, "The user name. Changing it replaces the resource.") with { Required = true, ForceNew = true },
            AttributeSchema.Input("uid", BatonType.Int, "The user id. Left out: chosen by useradd; read reports it.") with { Computed = true, Optional = true },
            AttributeSchema.Input("group", BatonType.String, "The primary group's name. Left out: useradd's default; read reports it.") with { Computed = true, Optional = true },
            AttributeSchema.Input("groups", BatonType.ListOf(BatonType.String), "The supplementary groups, exactly (others are removed), sorted. Left out: not managed; read reports them.") with { Computed = true, Optional = true },
            AttributeSchema.Input("shell", BatonType.String, "The login shell. Left out: useradd's default; read reports it.") with { Computed = true, Optional = true },
            AttributeSchema.Input("home", BatonType.String, "The home directory, created when the user is. Left out: useradd's default (/home/NAME); read reports it.") with { Computed = true, Optional = true },
            AttributeSchema.Input("system", BatonType.Bool, "Whether to create a system account (useradd -r) when the user is made.") with { Default = Value.False },
            State("user", "an account there is deleted"),
            IdAttribute,
        ],
    };

    public static ResourceTypeSchema Group { get; } = new()
    {
        Type = GroupType,
        Description = "A local group (groupadd, groupmod, groupdel).",
        Attributes =
        [
            HostAttribute,
            AttributeSchema.Input("name", BatonType.String, "The group name. Changing it replaces the resource.") with { Required = true, ForceNew = true },
            AttributeSchema.Input("gid", BatonType.Int, "The group id. Left out: chosen by groupadd; read reports it.") with { Computed = true, Optional = true },
            AttributeSchema.Input("system", BatonType.Bool, "Whether to create a system group (groupadd -r) when the group is made.") with { Default = Value.False },
            State("group", "a group there is deleted"),
            IdAttribute,
        ],
    };

    public static ResourceTypeSchema Template { get; } = new()
    {
        Type = TemplateType,
        Description = "A file whose content is rendered from a template file of the stack directory (${…} interpolations and the functions of stack files), written as host.file writes. The template sees the vars and host: the host's name, address, port, user, group and vars from the inventory. It is rendered at plan when the vars are known, so the plan shows the content and its SHA-256; a template error is a plan diagnostic naming the template's line and column.",
        Attributes =
        [
            HostAttribute,
            PathAttribute("file"),
            AttributeSchema.Input("source", BatonType.String, "The template file, relative to the stack directory and inside it.") with { Required = true },
            AttributeSchema.Input("vars", BatonType.AnyMap, "The names the template can use besides host (a var cannot be called host). A sensitive var makes the content sensitive.") with { Default = Value.EmptyMap },
            Owner("file"),
            GroupAttribute("file"),
            Mode("file", "0644"),
            State("file", "a file there is deleted"),
            IdAttribute,
            AttributeSchema.Output("content", BatonType.String, "The rendered content (known at plan when the vars are). " + ReadBack + " Then content reports what was last written."),
            AttributeSchema.Output("sha256", BatonType.String, "The SHA-256 (hex) of the file's content on the host; null when absent."),
            AttributeSchema.Output("size", BatonType.Number, "The file's size in bytes; null when absent."),
        ],
    };

    public static ResourceTypeSchema Link { get; } = new()
    {
        Type = LinkType,
        Description = "A symbolic link at path pointing at target, made beside it and renamed into place (ln -s, mv -T), so the path always resolves to the old or the new target. Read reports the target the link has (readlink), so a link changed by hand is drift.",
        Attributes =
        [
            HostAttribute,
            PathAttribute("link"),
            AttributeSchema.Input("target", BatonType.String, "What the link points at, written as given: absolute, or relative to the link's directory; it need not exist.") with { Required = true },
            AttributeSchema.Input("force", BatonType.Bool, "Whether a regular file (or another non-directory) at path is replaced by the link; otherwise it is an error. A directory at path is never replaced.") with { Default = Value.False },
            AttributeSchema.Input("owner", BatonType.String, "The link's own owner (chown -h, where the host's chown supports it), a user name or number. Left out: the login (or become) user for a new link; read reports the owner found.") with { Computed = true, Optional = true },
            GroupAttribute("link"),
            State("link", "a symbolic link there is removed; anything else there is left alone"),
            IdAttribute,
        ],
    };

    public static ResourceTypeSchema Line { get; } = new()
    {
        Type = LineType,
        Description = "A line kept present in (or absent from) a text file, such as a sudoers rule or `PermitRootLogin no`. With match, every line matching the regular expression is replaced by line, and line is appended when none matches and it is not there; without match, line is appended unless a line equal to it is there. The file is edited through a temporary file beside it renamed over it, keeping its owner and mode (a symbolic link at path is followed). Read finds the resource gone when the line is not in place (as a deleted file is), so the plan puts back a line removed or changed by hand; an apply that finds it in place changes nothing. Destroying removes the lines equal to line.",
        Attributes =
        [
            HostAttribute,
            PathAttribute("file"),
            AttributeSchema.Input("line", BatonType.String, "The whole line, without its newline. Changing it replaces the resource when match is not set (the old line is removed, the new one added).") with { Required = true },
            AttributeSchema.Input("match", BatonType.String, "A POSIX extended regular expression (grep -E): the lines it matches are replaced by line. Changing it replaces the resource."),
            AttributeSchema.Input("state", BatonType.String, "present or absent: whether line must be in the file, or must not (the lines equal to line, and those matching match, are removed). With absent, read reports present when such a line is found, so one added by hand shows as drift.") with { Default = Value.String("present") },
            AttributeSchema.Input("create", BatonType.Bool, "Whether a missing file is created (holding just line); otherwise a missing file is an error (with state absent it is fine).") with { Default = Value.False },
            AttributeSchema.Input("mode", BatonType.String, "The mode of a file create makes, an octal string; an existing file keeps its own.") with { Default = Value.String("0644") },
            IdAttribute,
        ],
    };

    public static ResourceTypeSchema Cron { get; } = new()
    {
        Type = CronType,
        Description = "A cron entry in its own file, /etc/cron.d/NAME (root-owned, 0644, written as host.file writes; /etc/cron.d is made when missing): a header comment, the environment as NAME=VALUE lines, then `SCHEDULE USER COMMAND`. The resource manages the file only: a cron daemon (the cron package) must be installed and running for the entry to run. Read parses the file back, so a hand edit shows as drift of the field it changed.",
        Attributes =
        [
            HostAttribute,
            AttributeSchema.Input("name", BatonType.String, "The file's name in /etc/cron.d: letters, digits, _ and - only (cron ignores files with other names). Changing it replaces the resource.") with { Required = true, ForceNew = true },
            AttributeSchema.Input("schedule", BatonType.String, "When it runs: five fields (minute 0-59, hour 0-23, day of month 1-31, month 1-12 or jan-dec, day of week 0-7 or sun-sat; each *, a number, a range a-b, a step */n or a-b/n, or a comma list) or one of @reboot, @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly.") with { Required = true },
            AttributeSchema.Input("command", BatonType.String, "The command, one line, run by cron through /bin/sh and written as given: a % must be written \\% (cron turns a bare % into a newline).") with { Required = true },
            AttributeSchema.Input("user", BatonType.String, "The user the command runs as.") with { Default = Value.String("root") },
            AttributeSchema.Input("environment", BatonType.MapOf(BatonType.String), "Variables set for the command (NAME=VALUE lines before the entry), such as MAILTO or PATH."),
            State("entry", "its file is deleted"),
            IdAttribute,
            AttributeSchema.Output("path", BatonType.String, "The entry's file: /etc/cron.d/NAME."),
            AttributeSchema.Output("sha256", BatonType.String, "The SHA-256 (hex) of the entry's file on the host; null when absent."),
        ],
    };

    private static AttributeSchema ActionHost { get; } = AttributeSchema.Input("host", BatonType.String, "The host, a name of the provider's inventory.") with { Required = true };

    public static ActionSchema ExecActionSchema { get; } = new()
    {
        Name = ExecAction,
        Description = "Runs a command on a host to completion and returns its output. A non-zero exit is not an error unless expect_exit_code is given. Not idempotent: a retried step runs the command again.",
        Inputs =
        [
            ActionHost,
            AttributeSchema.Input("command", BatonType.ListOf(BatonType.String), "The argument list to run (never a shell string).") with { Required = true },
            AttributeSchema.Input("environment", BatonType.MapOf(BatonType.String), "Environment variables for the command."),
            AttributeSchema.Input("cwd", BatonType.String, "The absolute directory to run it in."),
            AttributeSchema.Input("stdin", BatonType.String, "Text to give the command on its standard input."),
            AttributeSchema.Input("timeout", BatonType.String, "How long it may run before it is stopped, which fails the step; the provider's command_timeout when not set."),
            AttributeSchema.Input("expect_exit_code", BatonType.Int, "The exit code that counts as success; any other fails the step permanently. Any exit code is accepted when left out."),
        ],
        Outputs =
        [
            AttributeSchema.Output("exit_code", BatonType.Int, "The command's exit code (128 + N when killed by signal N)."),
            AttributeSchema.Output("stdout", BatonType.String, "Its standard output (UTF-8), the first 64 KiB."),
            AttributeSchema.Output("stderr", BatonType.String, "Its standard error (UTF-8), the first 64 KiB."),
        ],
    };

    private static ActionSchema ServiceAction(string name, string verb) => new()
    {
        Name = name,
        Description = $"{verb} a service on a host (systemctl, or the service's init script).",
        Inputs =
        [
            ActionHost,
            AttributeSchema.Input("name", BatonType.String, "The service.") with { Required = true },
        ],
        Outputs = [AttributeSchema.Output("init", BatonType.String, "systemd or sysv.")],
    };

    public static ActionSchema Restart { get; } = ServiceAction(RestartAction, "Restarts");

    public static ActionSchema Reload { get; } = ServiceAction(ReloadAction, "Reloads (re-reads its configuration without a restart)");

    public static ActionSchema Facts { get; } = new()
    {
        Name = FactsAction,
        Description = "Gathers what a host is, in one command: the engine runs it for every host a plan uses, and expressions see the result as host.facts (cached in state, so a plan without refresh uses the last facts gathered).",
        Inputs = [ActionHost],
        Outputs =
        [
            AttributeSchema.Output("facts", BatonType.AnyMap, "os { family (debian, rhel, suse, alpine, arch, or the os-release ID), id, name, version, codename, kernel }, arch (uname -m), hostname, fqdn, addresses (the host's IPv4 and IPv6 addresses but loopback), cpus, memory_mb, init (systemd or sysv) and package_manager (apt, dnf, yum, zypper, apk, pacman, or null)."),
        ],
    };

    private static AttributeSchema ActionTimeout { get; } =
        AttributeSchema.Input("timeout", BatonType.String, "How long the transfer may take before it is stopped, which fails the step; the provider's command_timeout when not set.");

    public static ActionSchema Copy { get; } = new()
    {
        Name = CopyAction,
        Description = "Sends a local file (or given content) to a file on a host as host.file writes one: streamed over the SSH channel's standard input into a temporary file beside the target, checked for size and SHA-256, given its owner, group and mode, then renamed over it. A file that already has the content, owner, group and mode is left as it is.",
        Inputs =
        [
            ActionHost,
            AttributeSchema.Input("path", BatonType.String, "The file's absolute path on the host; its directory must exist.") with { Required = true },
            AttributeSchema.Input("source", BatonType.String, "The local file to send, relative to the stack directory and inside the provider's file_root; give source or content."),
            AttributeSchema.Input("content", BatonType.String, "The text to send (UTF-8) instead of a file; a sensitive value stays sensitive."),
            AttributeSchema.Input("owner", BatonType.String, "The file's owner. Left out: an existing file keeps its owner; a new one belongs to the login (or become) user."),
            AttributeSchema.Input("group", BatonType.String, "The file's group. Left out: as for owner."),
            AttributeSchema.Input("mode", BatonType.String, "The file's mode, an octal string. Left out: an existing file keeps its mode; a new one gets 0644."),
            ActionTimeout,
        ],
        Outputs =
        [
            AttributeSchema.Output("size", BatonType.Number, "The file's size in bytes."),
            AttributeSchema.Output("sha256", BatonType.String, "The SHA-256 (hex) of the file on the host, checked against what was sent."),
            AttributeSchema.Output("changed", BatonType.Bool, "Whether anything was changed (false: the file already had the content, owner, group and mode)."),
        ],
    };

    public static ActionSchema Fetch { get; } = new()
    {
        Name = FetchAction,
        Description = "Fetches a file from a host to a local file (a database dump for a backup, say): streamed from cat into a temporary file beside the destination, never held in memory, checked against the SHA-256 the host computes, flushed and renamed over the destination. The destination must resolve inside the provider's file_root.",
        Inputs =
        [
            ActionHost,
            AttributeSchema.Input("path", BatonType.String, "The remote file's absolute path.") with { Required = true },
            AttributeSchema.Input("destination", BatonType.String, "The local file to write, relative to the stack directory and inside the provider's file_root; its directory must exist, and a file there is replaced.") with { Required = true },
            ActionTimeout,
        ],
        Outputs =
        [
            AttributeSchema.Output("path", BatonType.String, "The local file written, absolute."),
            AttributeSchema.Output("size", BatonType.Number, "Its size in bytes."),
            AttributeSchema.Output("sha256", BatonType.String, "Its SHA-256 (hex), equal to the remote file's."),
        ],
    };

    public static ProviderSchema Provider { get; } = new()
    {
        Family = "host",
        Description = "Remote hosts over SSH, agentless: files, templates, links, lines of files, cron entries, directories, commands, Debian packages, services, users and groups.",
        Configuration =
        [
            AttributeSchema.Input("inventory", BatonType.AnyMap, "Set from the stack's hosts: (see the stack language); given here only when the provider is used without them. The hosts: a map from host name to { address (hostname or IP), port (22), user, private_key (sensitive key text, OpenSSH or PEM; ed25519, ECDSA or RSA) or private_key_file (relative to the stack directory), known_hosts (known_hosts lines) or known_hosts_file, become (run commands as root through sudo -n), become_user, vars, group }. The server's key is checked strictly: a host with no known_hosts entry, or a different key, is refused."),
            AttributeSchema.Input("forks", BatonType.Int, "How many hosts the instance works on at once.") with { Default = Value.Number(50) },
            AttributeSchema.Input("sessions_per_host", BatonType.Int, "How many commands run at once on one host, each on a channel of the host's one connection (OpenSSH allows 10 by default).") with { Default = Value.Number(8) },
            AttributeSchema.Input("connect_timeout", BatonType.String, "How long connecting to a host (TCP, key exchange, authentication) may take.") with { Default = Value.String("10s") },
            AttributeSchema.Input("command_timeout", BatonType.String, "How long one remote command may run.") with { Default = Value.String("5m") },
            AttributeSchema.Input("agent", BatonType.Bool, "Authenticate through ssh-agent ($SSH_AUTH_SOCK): not supported yet (SSH.NET has no agent client); true is refused.") with { Default = Value.False },
            AttributeSchema.Input("file_root", BatonType.String, "The local directory (relative to the stack directory) that host.copy reads from and host.fetch writes in: every local path they name must resolve inside it.") with { Default = Value.String(".") },
            ConfinedRoots.OutsideStackSchema,
        ],
        ResourceTypes = [File, Template, Directory, Link, Line, Cron, Exec, Package, Service, User, Group],
        Actions = [ExecActionSchema, Restart, Reload, Copy, Fetch, Facts],
    };
}
