using System.Collections.Immutable;
using System.Globalization;
using Baton.Diagnostics;
using Baton.Expressions;
using Baton.Spec.Declarations;
using Baton.Spec.Schema;
using Baton.Spec.Yaml;
using Baton.Text;
using Baton.Values;

namespace Baton.Spec;

/// <summary>
/// Turns one stack file's YAML tree into spec records. Structure has been checked by <see cref="ShapeChecker"/>
/// already; this reader skips what is malformed instead of reporting it twice.
/// </summary>
internal sealed class StackFileReader
{
    private readonly DiagnosticBag _diagnostics;

    private StackFileReader(DiagnosticBag diagnostics) => _diagnostics = diagnostics;

    /// <summary>The parts of a stack that one file defines.</summary>
    public sealed record Fragment
    {
        public required SourceFile File { get; init; }
        public NameReference? StackName { get; init; }
        public string? Description { get; init; }
        public ImmutableArray<VariableSpec> Variables { get; init; } = [];
        public ImmutableArray<ProviderSpec> Providers { get; init; } = [];
        public ImmutableArray<HostGroupSpec> HostGroups { get; init; } = [];
        public ImmutableArray<ResourceSpec> Resources { get; init; } = [];
        public ImmutableArray<OutputSpec> Outputs { get; init; } = [];
        public ImmutableArray<WorkflowSpec> Workflows { get; init; } = [];
        public ImmutableArray<PolicySpec> Policies { get; init; } = [];
        public ReconcileSpec? Reconcile { get; init; }
    }

    /// <summary>Reads one file: YAML, structure, then records.</summary>
    public static Fragment Read(SourceFile file, DiagnosticBag diagnostics)
    {
        var root = YamlReader.Read(file, diagnostics);
        if (root is null || root is YamlScalar { IsNull: true })
        {
            return new Fragment { File = file };
        }

        ShapeChecker.Check(root, StackFileShape.Root, diagnostics, "the stack file");
        if (root is not YamlMapping mapping)
        {
            return new Fragment { File = file };
        }

        return new StackFileReader(diagnostics).ReadRoot(file, mapping);
    }

    private Fragment ReadRoot(SourceFile file, YamlMapping root) => new()
    {
        File = file,
        StackName = root.Find(StackFileShape.Stack) is { Value: YamlScalar name } && ResourceAddressIsValid(name.Value)
            ? new NameReference(name.Value, name.Span)
            : null,
        Description = Text(root[StackFileShape.Description]),
        Variables = [.. Named(root[StackFileShape.Variables]).Select(e => ReadDeclaration(e.Key, e.Value))],
        Providers = [.. Named(root[StackFileShape.Providers]).Select(e => ReadProvider(e.Key, e.Value))],
        HostGroups = [.. Named(root[StackFileShape.Hosts]).Select(e => ReadHostGroup(e.Key, e.Value))],
        // A resource whose name is no valid name was reported by the shape check; it can have no address, so it is left out.
        Resources = [.. Named(root[StackFileShape.Resources]).Where(e => ResourceAddressIsValid(e.Key.Value)).Select(e => ReadResource(e.Key, e.Value))],
        Outputs = [.. Named(root[StackFileShape.Outputs]).Select(e => ReadOutput(e.Key, e.Value))],
        Workflows = [.. Named(root[StackFileShape.Workflows]).Select(e => ReadWorkflow(e.Key, e.Value))],
        Policies = [.. Items(root[StackFileShape.Policies]).OfType<YamlMapping>().Select(ReadPolicy).OfType<PolicySpec>()],
        Reconcile = root[StackFileShape.Drift] is null && root[StackFileShape.Reconcile] is null ? null : ReadReconcile(root),
    };

    private static ReconcileSpec ReadReconcile(YamlMapping root)
    {
        var map = root[StackFileShape.Reconcile] as YamlMapping;
        var defaults = ReconcileSpec.Default;
        return new ReconcileSpec
        {
            CorrectDrift = Text(root[StackFileShape.Drift]) == "correct",
            Heal = map?["heal"] is null || Bool(map["heal"]),
            HealthInterval = Duration(map?["health_interval"]) is { } health && health > TimeSpan.Zero ? health : defaults.HealthInterval,
            RefreshInterval = Duration(map?["refresh_interval"]) is { } refresh && refresh > TimeSpan.Zero ? refresh : defaults.RefreshInterval,
            UnhealthyThreshold = int.TryParse(Text(map?["unhealthy_threshold"]), System.Globalization.CultureInfo.InvariantCulture, out var threshold) && threshold > 0 ? threshold : defaults.UnhealthyThreshold,
        };
    }

    private static bool ResourceAddressIsValid(string name) => Addresses.ResourceAddress.IsValidName(name);

    private VariableSpec ReadDeclaration(YamlScalar name, YamlNode node)
    {
        var map = node as YamlMapping;
        var type = BatonType.Any;
        if (Text(map?["type"]) is { } typeText && BatonType.TryParse(typeText, out var parsed))
        {
            type = parsed;
        }

        return new VariableSpec
        {
            Name = name.Value,
            NameSpan = name.Span,
            Type = type,
            Default = map?["default"] is { } defaultNode ? ToExpression(defaultNode) : null,
            Description = Text(map?["description"]),
            Sensitive = Bool(map?["sensitive"]),
            Validations = [.. Items(map?["validation"]).OfType<YamlMapping>()
                .Where(rule => rule["condition"] is YamlScalar)
                .Select(rule => new ValidationRuleSpec(
                    ToCondition((YamlScalar)rule["condition"]!),
                    Text(rule["message"]) ?? "the value is not valid"))],
        };
    }

    private ProviderSpec ReadProvider(YamlScalar name, YamlNode node)
    {
        var map = node as YamlMapping;
        var dot = name.Value.IndexOf('.', StringComparison.Ordinal);
        var family = Text(map?["type"]) ?? (dot > 0 ? name.Value[..dot] : name.Value);
        var config = map is null ? null : ToExpression(new YamlMapping(map.Span, [.. map.Entries.Where(e => e.Key.Value != "type")]));
        return new ProviderSpec { Name = name.Value, Family = family, NameSpan = name.Span, Config = config };
    }

    private HostGroupSpec ReadHostGroup(YamlScalar name, YamlNode node)
    {
        var map = node as YamlMapping;
        var settings = map is null ? null : new YamlMapping(map.Span, [.. map.Entries.Where(e => e.Key.Value != "addresses")]);
        return new HostGroupSpec
        {
            Name = name.Value,
            NameSpan = name.Span,
            Addresses = map?["addresses"] is { } addresses ? ToExpression(addresses) : null,
            Settings = settings is { Entries.Count: > 0 } ? ToExpression(settings) : null,
            Span = node.Span,
        };
    }

    private ResourceSpec ReadResource(YamlScalar name, YamlNode node)
    {
        var map = node as YamlMapping;
        var typeNode = map?["type"] as YamlScalar;
        var lifecycle = map?["lifecycle"] as YamlMapping;
        var timeouts = map?["timeouts"] as YamlMapping;
        var autoscale = map?["autoscale"] as YamlMapping;
        return new ResourceSpec
        {
            Name = name.Value,
            NameSpan = name.Span,
            Type = typeNode?.Value ?? string.Empty,
            TypeSpan = typeNode?.Span ?? name.Span,
            Description = Text(map?["description"]),
            Properties = map?["properties"] is YamlMapping properties ? ToExpression(properties) : null,
            DependsOn = NameList(map?["depends_on"]),
            Count = map?["count"] is YamlScalar count ? ToExpression(count) : null,
            ForEach = map?["for_each"] is { } forEach ? ToExpression(forEach) : null,
            Hosts = map?["hosts"] is YamlScalar { IsNull: false } single ? [new NameReference(single.Value, single.Span)] : NameList(map?["hosts"]),
            Notifications = [.. Notifications(map?["notifies"], subscription: false), .. Notifications(map?["subscribes"], subscription: true)],
            Provider = map?["provider"] is YamlScalar provider ? new NameReference(provider.Value, provider.Span) : null,
            Lifecycle = lifecycle is null
                ? LifecycleSpec.Default
                : new LifecycleSpec
                {
                    CreateBeforeDestroy = Bool(lifecycle["create_before_destroy"]),
                    PreventDestroy = Bool(lifecycle["prevent_destroy"]),
                    IgnoreChanges = [.. Items(lifecycle["ignore_changes"]).OfType<YamlScalar>().Select(s => s.Value)],
                },
            Timeouts = timeouts is null
                ? null
                : new TimeoutsSpec(Duration(timeouts["create"]), Duration(timeouts["update"]), Duration(timeouts["delete"])),
            Autoscale = autoscale is null
                || autoscale["min"] is not YamlScalar min
                || autoscale["max"] is not YamlScalar max
                || autoscale["target"] is not YamlScalar target
                ? null
                : new AutoscaleSpec
                {
                    Min = ToExpression(min),
                    Max = ToExpression(max),
                    Target = ToExpression(target),
                    Metric = Text(autoscale["metric"]) ?? "cpu",
                    Tolerance = Number(autoscale["tolerance"]),
                    Source = autoscale["source"] is YamlScalar source ? ToExpression(source) : null,
                    Query = Text(autoscale["query"]),
                    Path = Text(autoscale["path"]),
                    Interval = Duration(autoscale["interval"]),
                    Drain = Duration(autoscale["drain"]),
                    ScaleOutWindow = Duration((autoscale["scale_out"] as YamlMapping)?["window"]),
                    ScaleOutMaxStep = (int?)Number((autoscale["scale_out"] as YamlMapping)?["max_step"]),
                    ScaleInWindow = Duration((autoscale["scale_in"] as YamlMapping)?["window"]),
                    ScaleInMaxStep = (int?)Number((autoscale["scale_in"] as YamlMapping)?["max_step"]),
                },
        };
    }

    /// <summary>
    /// The entries of <c>notifies:</c> or <c>subscribes:</c>: each a map of one verb to a resource name, and optionally
    /// <c>timing</c>. An entry with no verb, two verbs or a timing that is neither delayed nor immediate is reported here.
    /// </summary>
    private IEnumerable<NotificationSpec> Notifications(YamlNode? node, bool subscription)
    {
        var key = subscription ? "subscribes" : "notifies";
        foreach (var entry in Items(node).OfType<YamlMapping>())
        {
            var verbs = entry.Entries.Where(e => e.Key.Value != "timing").ToList();
            var timing = entry["timing"] as YamlScalar;
            if (timing is not null && timing.Value is not ("delayed" or "immediate"))
            {
                _diagnostics.Error(DiagnosticCodes.InvalidNotification, $"timing of a {key} entry must be delayed or immediate, not \"{timing.Value}\"", timing.Span);
                continue;
            }

            if (verbs.Count != 1 || verbs[0].Value is not YamlScalar { IsNull: false } target)
            {
                _diagnostics.Error(
                    DiagnosticCodes.InvalidNotification,
                    verbs.Count == 1 ? $"the {key} entry \"{verbs[0].Key.Value}\" must name a resource" : $"a {key} entry has one verb and a resource, such as {{ restart: app_service }}; this one has {verbs.Count}",
                    entry.Span);
                continue;
            }

            yield return new NotificationSpec
            {
                Verb = verbs[0].Key.Value,
                VerbSpan = verbs[0].Key.Span,
                Resource = new NameReference(target.Value, target.Span),
                Immediate = timing?.Value == "immediate",
                IsSubscription = subscription,
                Span = entry.Span,
            };
        }
    }

    private OutputSpec ReadOutput(YamlScalar name, YamlNode node)
    {
        if (node is YamlMapping map)
        {
            return new OutputSpec
            {
                Name = name.Value,
                NameSpan = name.Span,
                Value = map["value"] is { } value ? ToExpression(value) : Null(map.Span),
                Description = Text(map["description"]),
                Sensitive = Bool(map["sensitive"]),
            };
        }

        return new OutputSpec { Name = name.Value, NameSpan = name.Span, Value = ToExpression(node) };
    }

    private WorkflowSpec ReadWorkflow(YamlScalar name, YamlNode node)
    {
        var map = node as YamlMapping;
        return new WorkflowSpec
        {
            Name = name.Value,
            NameSpan = name.Span,
            Description = Text(map?["description"]),
            Schedule = map?["schedule"] is YamlScalar schedule ? new NameReference(schedule.Value, schedule.Span) : null,
            TimeZone = map?["timezone"] is YamlScalar zone ? new NameReference(zone.Value, zone.Span) : null,
            Overlap = map?["overlap"] is YamlScalar overlap ? overlap.Value : "skip",
            CatchUp = Duration(map?["catch_up"]) ?? TimeSpan.Zero,
            Triggers = [.. Items(map?["triggers"]).OfType<YamlMapping>()
                .Where(t => t["event"] is YamlScalar)
                .Select(t => new TriggerSpec(
                    ((YamlScalar)t["event"]!).Value,
                    t["resource"] is YamlScalar r ? new NameReference(r.Value, r.Span) : null,
                    t["workflow"] is YamlScalar w ? new NameReference(w.Value, w.Span) : null,
                    t.Span))],
            Webhook = Bool(map?["webhook"]),
            Inputs = [.. Named(map?["inputs"]).Select(e => ReadDeclaration(e.Key, e.Value))],
            Steps = [.. Named(map?["steps"]).Select(e => ReadStep(e.Key, e.Value, isOnExit: false)).OfType<StepSpec>()],
            OnExit = [.. Named(map?["on_exit"]).Select(e => ReadStep(e.Key, e.Value, isOnExit: true)).OfType<StepSpec>()],
            Outputs = map?["outputs"] is YamlMapping outputs ? ToExpression(outputs) : null,
            Timeout = Duration(map?["timeout"]),
        };
    }

    private StepSpec? ReadStep(YamlScalar id, YamlNode node, bool isOnExit)
    {
        if (node is not YamlMapping map || map["uses"] is not YamlScalar uses)
        {
            return null;
        }

        var compensate = map["compensate"] as YamlMapping;
        return new StepSpec
        {
            Id = id.Value,
            IdSpan = id.Span,
            Uses = new NameReference(uses.Value, uses.Span),
            Description = Text(map["description"]),
            With = map["with"] is YamlMapping with ? ToExpression(with) : null,
            Needs = NameList(map["needs"]),
            If = map["if"] is YamlScalar condition ? ToCondition(condition) : null,
            ForEach = map["for_each"] is { } forEach ? ToExpression(forEach) : null,
            Concurrency = Integer(map["concurrency"]),
            Retry = map["retry"] switch
            {
                YamlScalar attempts when Integer(attempts) is { } n => new RetrySpec { Attempts = n },
                YamlMapping retry => ReadRetry(retry),
                _ => null,
            },
            Timeout = Duration(map["timeout"]),
            AttemptTimeout = Duration(map["attempt_timeout"]),
            ContinueOnError = Bool(map["continue_on_error"]),
            Compensate = compensate?["uses"] is YamlScalar undo
                ? new CompensateSpec(new NameReference(undo.Value, undo.Span), compensate["with"] is YamlMapping undoWith ? ToExpression(undoWith) : null)
                : null,
            IsOnExit = isOnExit,
        };
    }

    private static RetrySpec ReadRetry(YamlMapping retry)
    {
        var spec = new RetrySpec();
        return spec with
        {
            Attempts = Integer(retry["attempts"]) ?? spec.Attempts,
            Backoff = Duration(retry["backoff"]) ?? spec.Backoff,
            Coefficient = Number(retry["coefficient"]) ?? spec.Coefficient,
            MaxBackoff = Duration(retry["max_backoff"]) ?? spec.MaxBackoff,
        };
    }

    private PolicySpec? ReadPolicy(YamlMapping map)
    {
        if (map["name"] is not YamlScalar name || map["require"] is not YamlScalar require)
        {
            return null;
        }

        return new PolicySpec
        {
            Name = name.Value,
            NameSpan = name.Span,
            Description = Text(map["description"]),
            When = map["when"] is YamlScalar when ? ToCondition(when) : null,
            Require = ToCondition(require),
            Message = Text(map["message"]),
            Enforcement = Text(map["enforcement"]) == "warn" ? PolicyEnforcement.Warn : PolicyEnforcement.Deny,
        };
    }

    /// <summary>A condition: a bare expression, or a <c>${…}</c> template when it holds one.</summary>
    private Expression ToCondition(YamlScalar scalar) =>
        scalar.Value.Contains("${", StringComparison.Ordinal) || !scalar.IsPlain && scalar.Value.Length == 0
            ? ExpressionParser.ParseTemplate(scalar.Value, scalar.Origin, _diagnostics)
            : ExpressionParser.ParseExpression(scalar.Value, scalar.Origin, _diagnostics);

    /// <summary>Any YAML value as an expression: maps and lists become map and list expressions, strings templates.</summary>
    private Expression ToExpression(YamlNode node) => YamlExpressions.Convert(node, _diagnostics);

    private static LiteralExpression Null(SourceSpan span) => new LiteralExpression(Value.Null) { Span = span };

    private static IEnumerable<(YamlScalar Key, YamlNode Value)> Named(YamlNode? node)
    {
        if (node is not YamlMapping map)
        {
            yield break;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in map.Entries)
        {
            // A key given twice was reported by the shape check; the first definition stands.
            if (seen.Add(entry.Key.Value))
            {
                yield return (entry.Key, entry.Value);
            }
        }
    }

    private static IReadOnlyList<YamlNode> Items(YamlNode? node) => node is YamlSequence sequence ? sequence.Items : [];

    private static ImmutableArray<NameReference> NameList(YamlNode? node) =>
        [.. Items(node).OfType<YamlScalar>().Select(s => new NameReference(s.Value, s.Span))];

    private static string? Text(YamlNode? node) => node is YamlScalar { IsNull: false } scalar ? scalar.Value : null;

    private static bool Bool(YamlNode? node) => Text(node) == "true";

    private static int? Integer(YamlNode? node) =>
        double.TryParse(Text(node), NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
        && value == Math.Floor(value) && value is >= int.MinValue and <= int.MaxValue
            ? (int)value
            : null;

    private static double? Number(YamlNode? node) =>
        double.TryParse(Text(node), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : null;

    private static TimeSpan? Duration(YamlNode? node) => Durations.ParseOrDefault(Text(node));
}
