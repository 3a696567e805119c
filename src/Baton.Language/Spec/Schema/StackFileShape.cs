namespace Baton.Spec.Schema;

/// <summary>
/// The grammar of a stack file, as data. <see cref="ShapeChecker"/> checks files against it and
/// <see cref="JsonSchemaWriter"/> publishes it, so the two never disagree.
/// </summary>
public static class StackFileShape
{
    /// <summary>Top-level keys.</summary>
    public const string Stack = "stack";
#pragma warning disable CS1591 // The key names document themselves; their meaning lives in the shapes' descriptions.
    public const string Description = "description";
    public const string Variables = "variables";
    public const string Providers = "providers";
    public const string Resources = "resources";
    public const string Hosts = "hosts";
    public const string Outputs = "outputs";
    public const string Workflows = "workflows";
    public const string Policies = "policies";

    /// <summary>The key of the drift setting.</summary>
    public const string Drift = "drift";

    /// <summary>The key of the reconciler's settings.</summary>
    public const string Reconcile = "reconcile";
#pragma warning restore CS1591

    private static readonly ScalarShape Text = new(ScalarKind.String);
    private static readonly ScalarShape Bool = new(ScalarKind.Boolean);
    private static readonly ScalarShape Duration = new(ScalarKind.Duration) { Description = "a duration such as 150ms, 2s, 5m or 1h30m" };
    private static readonly ScalarShape Name = new(ScalarKind.Name);
    private static readonly ListShape Names = new(Name);
    private static readonly AnyShape Anything = new();
    private static readonly MapShape FreeMap = new(Anything) { KeysAreNames = false };

    private static readonly ObjectShape ValidationRule = new(
    [
        new("condition", new ScalarShape(ScalarKind.Expression) { Description = "an expression over var.* that must be true" }, Required: true),
        new("message", Text with { Description = "shown when the condition is false" }, Required: true),
    ]);

    private static ObjectShape Declaration(string noun) => new(
    [
        new("type", new ScalarShape(ScalarKind.TypeName) { Description = "string, number, int, bool, list, map, any, or list(T) / map(T)" }),
        new("default", Anything with { Description = $"the value when none is given; a {noun} without a default is required" }),
        new("description", Text),
        new("sensitive", Bool with { Description = "redact the value from plans, logs and the API, and encrypt it at rest" }),
        new("validation", new ListShape(ValidationRule) { Description = "rules the value must satisfy" }),
    ])
    {
        Description = $"a {noun}: its type, default and rules",
    };

    private static readonly ObjectShape Variable = Declaration("variable");

    private static readonly ObjectShape Lifecycle = new(
    [
        new("create_before_destroy", Bool with { Description = "on replacement, create the new instance before deleting the old" }),
        new("prevent_destroy", Bool with { Description = "refuse any plan that would delete this resource" }),
        new("ignore_changes", new ListShape(Text) { Description = "property names whose changes are ignored after creation" }),
    ]);

    private static readonly ObjectShape Timeouts = new(
    [
        new("create", Duration),
        new("update", Duration),
        new("delete", Duration),
    ])
    {
        Description = "how long one provider operation may take",
    };

    private static readonly ObjectShape ScalingDirection = new(
    [
        new("window", Duration with { Description = "how long the metric must stay beyond the target before replicas change" }),
        new("max_step", new ScalarShape(ScalarKind.Integer) { Description = "the most replicas added or removed at once" }),
    ]);

    private static readonly ObjectShape Autoscale = new(
    [
        new("min", new ScalarShape(ScalarKind.Integer) { AllowsExpression = true }, Required: true),
        new("max", new ScalarShape(ScalarKind.Integer) { AllowsExpression = true }, Required: true),
        new("metric", new ScalarShape(ScalarKind.String)
        {
            Enum = ["cpu", "rps", "prometheus"],
            Description = "cpu: percent of one core per replica, from /proc; rps: requests per second per replica, from nginx stub_status (source); prometheus: a gauge, or a counter's rate, summed over the replicas' /metrics (query) and divided by the replicas",
        }, Required: true),
        new("target", new ScalarShape(ScalarKind.Number) { AllowsExpression = true, Description = "the metric's value per replica to keep" }, Required: true),
        new("tolerance", new ScalarShape(ScalarKind.Number) { Description = "no change while metric ÷ target is within 1 ± this (default 0.1)" }),
        new("source", Text with { Description = "rps: the URL of nginx's stub_status (such as http://127.0.0.1:8080/nginx_status)" }),
        new("query", Text with { Description = "prometheus: the metric's name, optionally with labels, such as shop_requests_total" }),
        new("path", Text with { Description = "prometheus: the path of each replica's metrics (default /metrics)" }),
        new("interval", Duration with { Description = "how often the metric is read and a decision made (default 1s)" }),
        new("drain", Duration with { Description = "on scale-in, how long a replica leaves its dependents (a load balancer) before it stops (default 2s)" }),
        new("scale_out", ScalingDirection with { Description = "scale-out: window (default 5s), max_step (default: no limit)" }),
        new("scale_in", ScalingDirection with { Description = "scale-in: window (default 60s), max_step (default 1)" }),
    ])
    {
        Description = "target tracking on a metric",
    };

    private static readonly ScalarShape Port = new(ScalarKind.Integer) { AllowsExpression = true, Description = "the SSH port (default 22)" };

    private static readonly ObjectShape HostEntry = new(
    [
        new("address", Text with { Description = "the host name or IP address, optionally with :port ([v6]:port for IPv6)" }, Required: true),
        new("name", Name with { Description = "the host's name in addresses, plans and state (default: the address as written)" }),
        new("port", Port),
        new("user", Text with { Description = "the SSH user, for this host only" }),
        new("vars", FreeMap with { Description = "variables of this host (host.vars.*), over the group's" }),
    ])
    {
        Description = "one host",
    };

    private static readonly ObjectShape HostGroup = new(
    [
        new("addresses", new OneOfShape([
            new ListShape(new OneOfShape([Text with { Description = "host or host:port" }, HostEntry])),
            new ScalarShape(ScalarKind.String) { AllowsExpression = true, Description = "an expression over variables giving such a list" },
        ]) { Description = "the group's hosts: host, host:port, or a map with address, name, port, user and vars" }, Required: true),
        new("user", Text with { Description = "the SSH user (default root)" }),
        new("port", Port),
        new("private_key", Text with { Description = "the private key's text (ed25519 or RSA, OpenSSH or PEM), from a sensitive variable or file(); kept sensitive" }),
        new("private_key_file", Text with { Description = "a private key file, relative to the stack directory (or absolute)" }),
        new("known_hosts", Text with { Description = "a known_hosts file, relative to the stack directory; every host's key is checked against it strictly" }),
        new("become", Bool with { Description = "run every command as root through sudo -n (default false)" }),
        new("become_user", Text with { Description = "with become, the user to become (default root)" }),
        new("vars", FreeMap with { Description = "variables of every host of the group (host.vars.*)" }),
        new("serial", Text with { AllowsExpression = true, Description = "a number of hosts, or a percentage of the group's hosts such as \"25%\": apply rolls out over the group in batches of this many hosts, each converged (changes and delayed notifications) before the next starts (default: all at once)" }),
        new("max_fail_percentage", new ScalarShape(ScalarKind.Number) { AllowsExpression = true, Description = "the most hosts of the group, as a percentage, that may fail before its changes not yet started are left undone (default: stop only when a whole batch fails)" }),
    ])
    {
        Description = "a group of remote hosts reached over SSH",
    };

    private static readonly MapShape Notification = new(Name)
    {
        KeysAreNames = false,
        Description = "one verb and the resource, such as { restart: app_service }, with timing: delayed (default: once, after the apply's changes) or immediate (right after the change)",
    };

    private static readonly ObjectShape Resource = new(
    [
        new("type", Text with { Description = "provider.kind, such as postgres.database" }, Required: true),
        new("description", Text),
        new("properties", FreeMap with { Description = "the resource's inputs; strings may hold ${…} expressions" }),
        new("depends_on", Names with { Description = "resources this one must wait for, beyond those it references" }),
        new("count", new ScalarShape(ScalarKind.Integer) { AllowsExpression = true, Description = "how many instances: name[0], name[1], …" }),
        new("for_each", Anything with { Description = "a list of strings or a map: one instance per key, name[\"key\"]" }),
        new("provider", Text with { Description = "the provider instance, such as s3.dr; default: the type's family" }),
        new("hosts", new OneOfShape([Name, Names]) { Description = "host groups (or hosts) of hosts:, or all: one instance per host, name[\"host\"], with host.* in its properties" }),
        new("notifies", new ListShape(Notification) { Description = "when this resource changes, run a verb (restart, reload, …) on another: [{ restart: app_service, timing: delayed }]" }),
        new("subscribes", new ListShape(Notification) { Description = "when another resource changes, run a verb on this one: [{ reload: site_conf }]" }),
        new("lifecycle", Lifecycle),
        new("timeouts", Timeouts),
        new("autoscale", Autoscale),
    ])
    {
        Description = "a resource",
    };

    private static readonly ObjectShape Output = new(
    [
        new("value", Anything, Required: true),
        new("description", Text),
        new("sensitive", Bool),
    ]);

    private static readonly ObjectShape Retry = new(
    [
        new("attempts", new ScalarShape(ScalarKind.Integer) { Description = "attempts in all, the first included" }),
        new("backoff", Duration with { Description = "delay before the first retry (default 1s)" }),
        new("coefficient", new ScalarShape(ScalarKind.Number) { Description = "growth of the delay per retry (default 2)" }),
        new("max_backoff", Duration with { Description = "the largest delay (default 100s)" }),
    ]);

    private static readonly ObjectShape Compensate = new(
    [
        new("uses", Text, Required: true),
        new("with", FreeMap),
    ])
    {
        Description = "the action that undoes this step if the run fails later",
    };

    private static readonly ObjectShape Step = new(
    [
        new("uses", Text with { Description = "provider.action (postgres.dump, s3.put, …) or a built-in: stack.apply, stack.plan, workflow.run, wait, approval, exec" }, Required: true),
        new("description", Text),
        new("with", FreeMap with { Description = "the action's inputs" }),
        new("needs", Names with { Description = "steps that must finish first" }),
        new("if", new ScalarShape(ScalarKind.Expression) { Description = "run the step only when true" }),
        new("for_each", Anything with { Description = "run the step once per item (each.key, each.value)" }),
        new("concurrency", new ScalarShape(ScalarKind.Integer) { Description = "the most for_each items at once" }),
        new("retry", new OneOfShape([new ScalarShape(ScalarKind.Integer) { Description = "attempts" }, Retry])),
        new("timeout", Duration with { Description = "the limit for the whole step, retries included" }),
        new("attempt_timeout", Duration with { Description = "the limit for one attempt" }),
        new("continue_on_error", Bool),
        new("compensate", Compensate),
    ]);

    private static readonly ObjectShape Trigger = new(
    [
        new("event", new ScalarShape(ScalarKind.String)
        {
            Enum = ["resource.unhealthy", "resource.drifted", "apply.finished", "apply.failed", "workflow.finished", "workflow.failed"],
        }, Required: true),
        new("resource", Text with { Description = "only for events of this resource" }),
        new("workflow", Name with { Description = "only for events of this workflow" }),
    ]);

    private static readonly ObjectShape Workflow = new(
    [
        new("description", Text),
        new("schedule", Text with { Description = "a cron expression (5 fields, or 6 with seconds)" }),
        new("timezone", Text with { Description = "the IANA time zone the schedule is read in (default UTC), such as Europe/Berlin" }),
        new("overlap", new ScalarShape(ScalarKind.String)
        {
            Enum = ["skip", "buffer_one", "allow"],
            Description = "when a fire comes while a run of the workflow is unfinished: skip it (default), keep one to start after, or start anyway",
        }),
        new("catch_up", Duration with { Description = "after downtime, fires missed within this window are still started (default 0: none)" }),
        new("triggers", new ListShape(Trigger)),
        new("webhook", Bool with { Description = "allow starting runs through the signed webhook endpoint" }),
        new("inputs", new MapShape(Declaration("workflow input")) { KeyNoun = "input" }),
        new("steps", new MapShape(Step) { KeyNoun = "step" }, Required: true),
        new("on_exit", new MapShape(Step) { KeyNoun = "step", Description = "steps that always run when the run ends, failed or not" }),
        new("outputs", FreeMap),
        new("timeout", Duration),
    ])
    {
        Description = "a durable workflow",
    };

    private static readonly ObjectShape Policy = new(
    [
        new("name", Name, Required: true),
        new("description", Text),
        new("when", new ScalarShape(ScalarKind.Expression) { Description = "which resources the policy applies to, e.g. resource.type == \"s3.bucket\"" }),
        new("require", new ScalarShape(ScalarKind.Expression) { Description = "what must hold for them" }, Required: true),
        new("message", Text),
        new("enforcement", new ScalarShape(ScalarKind.String) { Enum = ["deny", "warn"], Description = "deny fails the plan (default), warn reports" }),
    ]);

    private static readonly ObjectShape ReconcileShape = new(
    [
        new("heal", Bool with { Description = "start dead replicas again, with crash-loop backoff (default true)" }),
        new("health_interval", Duration with { Description = "how often replicas' health is checked (default 5s)" }),
        new("refresh_interval", Duration with { Description = "how often every resource is refreshed to find drift (default 60s)" }),
        new("unhealthy_threshold", new ScalarShape(ScalarKind.Integer) { Description = "failed health checks in a row that make a live replica unhealthy (default 3)" }),
    ]);

    /// <summary>The shape of a whole stack file.</summary>
    public static ObjectShape Root { get; } = new(
    [
        new(Stack, Name with { Description = "the stack's name (default: the directory's name)" }),
        new(Description, Text),
        new(Variables, new MapShape(Variable) { KeyNoun = "variable" }),
        new(Providers, new MapShape(FreeMap with { Description = "provider configuration; type names the family of an aliased instance" })
        {
            KeyNoun = "provider",
            KeysMayHaveAlias = true,
        }),
        new(Hosts, new MapShape(HostGroup) { KeyNoun = "host group" }),
        new(Resources, new MapShape(Resource) { KeyNoun = "resource" }),
        new(Outputs, new MapShape(new OneOfShape([new ScalarShape(ScalarKind.String) { AllowsExpression = true }, new ListShape(Anything), Output])) { KeyNoun = "output" }),
        new(Workflows, new MapShape(Workflow) { KeyNoun = "workflow" }),
        new(Policies, new ListShape(Policy)),
        new(Drift, new ScalarShape(ScalarKind.String)
        {
            Enum = ["report", "correct"],
            Description = "what a control plane does when resources drift from their state: report it (default), or correct it by applying the stack back",
        }),
        new(Reconcile, ReconcileShape with { Description = "how a control plane checks health and drift" }),
    ])
    {
        Description = "A Baton stack file (baton.yaml or *.baton.yaml)",
    };
}
