namespace Baton.Diagnostics;

/// <summary>
/// Every diagnostic code Baton reports, in one place. Ranges: BT1xxx stack file structure, BT2xxx expressions,
/// BT3xxx references and the dependency graph, BT4xxx workflows, BT5xxx variables, providers and policies.
/// Codes are stable: never reuse a retired number.
/// </summary>
public static class DiagnosticCodes
{
    // BT1xxx — stack file structure
    /// <summary>The YAML itself is malformed.</summary>
    public const string YamlSyntax = "BT1001";
    /// <summary>A key that this place of the stack file does not know.</summary>
    public const string UnknownKey = "BT1002";
    /// <summary>A node of the wrong kind (a list where a map belongs, …).</summary>
    public const string WrongNodeKind = "BT1003";
    /// <summary>A name defined twice (in one file or across the stack's files).</summary>
    public const string DuplicateName = "BT1004";
    /// <summary>A name that is not a valid identifier.</summary>
    public const string InvalidName = "BT1005";
    /// <summary>A required key is missing.</summary>
    public const string MissingKey = "BT1006";
    /// <summary>The stack directory holds no stack file, or cannot be read.</summary>
    public const string NoStackFile = "BT1007";
    /// <summary>A scalar that is not of the expected type (a duration, a number, …).</summary>
    public const string InvalidScalar = "BT1008";
    /// <summary>Two files of one stack name the stack differently.</summary>
    public const string ConflictingStackName = "BT1009";
    /// <summary>A resource type that is not <c>provider.kind</c>.</summary>
    public const string InvalidResourceType = "BT1010";
    /// <summary><c>count</c> and <c>for_each</c> on one resource.</summary>
    public const string CountAndForEach = "BT1011";
    /// <summary>A YAML anchor, alias or tag that the stack language does not support.</summary>
    public const string UnsupportedYaml = "BT1012";
    /// <summary>A stack file, or what its aliases or templates expand to, is larger or more work than Baton reads.</summary>
    public const string LimitExceeded = "BT1013";
    /// <summary>A stack file that is not valid UTF-8 text, or not a regular file.</summary>
    public const string UnreadableStackFile = "BT1014";

    // BT2xxx — expressions: syntax 20xx, evaluation 21xx, types 22xx
    /// <summary>An expression that does not parse.</summary>
    public const string ExpressionSyntax = "BT2001";
    /// <summary>An interpolation <c>${</c> or a template directive <c>%{</c> that is never closed by <c>}</c>.</summary>
    public const string UnterminatedInterpolation = "BT2002";
    /// <summary>A string literal that is never closed or has a bad escape.</summary>
    public const string BadStringLiteral = "BT2003";
    /// <summary>
    /// A template directive that is not one: an unknown keyword after <c>%{</c>, a malformed <c>%{ for }</c>, or an
    /// <c>%{ else }</c>, <c>%{ endif }</c> or <c>%{ endfor }</c> that belongs to no open directive.
    /// </summary>
    public const string InvalidTemplateDirective = "BT2004";
    /// <summary>A <c>%{ for }</c> or <c>%{ if }</c> that is never closed by <c>%{ endfor }</c> or <c>%{ endif }</c>.</summary>
    public const string UnclosedTemplateDirective = "BT2005";
    /// <summary>A call of a function that does not exist.</summary>
    public const string UnknownFunction = "BT2010";
    /// <summary>A call with too few or too many arguments.</summary>
    public const string WrongArity = "BT2011";
    /// <summary>A function failed on its arguments at evaluation time.</summary>
    public const string FunctionFailed = "BT2101";
    /// <summary>An operation on values of the wrong kind at evaluation time.</summary>
    public const string InvalidOperand = "BT2102";
    /// <summary>An index or attribute that is not there.</summary>
    public const string MissingElement = "BT2103";
    /// <summary>Division or remainder by zero.</summary>
    public const string DivisionByZero = "BT2104";
    /// <summary>A result too large or otherwise not a finite number.</summary>
    public const string NumberOutOfRange = "BT2105";
    /// <summary>A type mismatch that is certain before evaluation.</summary>
    public const string TypeMismatch = "BT2201";

    // BT3xxx — references and the graph
    /// <summary>A reference to a resource that does not exist.</summary>
    public const string UnknownResource = "BT3001";
    /// <summary>A reference to a variable that is not declared.</summary>
    public const string UnknownVariable = "BT3002";
    /// <summary>A reference whose root (<c>steps</c>, <c>inputs</c>, <c>each</c>, …) is not available here.</summary>
    public const string ReferenceNotAvailable = "BT3003";
    /// <summary>A resource that depends on itself through references or <c>depends_on</c>.</summary>
    public const string DependencyCycle = "BT3004";
    /// <summary>An instance key used on a resource without <c>count</c>/<c>for_each</c>, or missing on one with it.</summary>
    public const string BadInstanceKey = "BT3005";
    /// <summary><c>count</c> or <c>for_each</c> that cannot be known before apply, or has the wrong type.</summary>
    public const string BadExpansion = "BT3006";
    /// <summary>A reference to a provider instance that is not configured.</summary>
    public const string UnknownProvider = "BT3007";
    /// <summary>A reference to an output that does not exist.</summary>
    public const string UnknownOutput = "BT3008";
    /// <summary>A resource's <c>hosts:</c> naming no host group and no host of the inventory.</summary>
    public const string UnknownHost = "BT3009";
    /// <summary>A host group or host of <c>hosts:</c> that is malformed: a bad address or port, a name given twice, the reserved group <c>all</c>.</summary>
    public const string InvalidHost = "BT3010";
    /// <summary>A <c>notifies:</c> or <c>subscribes:</c> entry that is malformed, names no resource, or a verb the resource's provider has no action for.</summary>
    public const string InvalidNotification = "BT3011";

    // BT4xxx — workflows
    /// <summary>A reference to a step that does not exist.</summary>
    public const string UnknownStep = "BT4001";
    /// <summary>A reference to a step's outputs from a step that does not (transitively) need it.</summary>
    public const string StepNotNeeded = "BT4002";
    /// <summary>Steps that need each other in a cycle.</summary>
    public const string StepCycle = "BT4003";
    /// <summary>An invalid cron schedule.</summary>
    public const string InvalidSchedule = "BT4004";
    /// <summary>A reference to a workflow input that is not declared.</summary>
    public const string UnknownInput = "BT4005";
    /// <summary>A step action that is not <c>provider.action</c> or a built-in.</summary>
    public const string InvalidAction = "BT4006";
    /// <summary>A reference to a workflow that does not exist.</summary>
    public const string UnknownWorkflow = "BT4007";

    // BT5xxx — variables, providers, policies
    /// <summary>A variable with no value: no default and none given.</summary>
    public const string MissingVariable = "BT5001";
    /// <summary>A variable value that does not convert to the declared type.</summary>
    public const string VariableType = "BT5002";
    /// <summary>A variable value that fails a validation rule.</summary>
    public const string VariableValidation = "BT5003";
    /// <summary>A value given for a variable that is not declared.</summary>
    public const string UndeclaredVariable = "BT5004";
    /// <summary>A variable file or <c>--var</c> that cannot be read.</summary>
    public const string BadVariableInput = "BT5005";
    /// <summary>An unknown type name.</summary>
    public const string UnknownType = "BT5006";
    /// <summary>A policy that is malformed.</summary>
    public const string InvalidPolicy = "BT5010";
    /// <summary>A policy that denies the stack.</summary>
    public const string PolicyDenied = "BT5011";
    /// <summary>A resource type that its provider does not offer, or a provider family that does not exist.</summary>
    public const string UnknownResourceType = "BT5020";
    /// <summary>A property that the resource type does not have.</summary>
    public const string UnknownAttribute = "BT5021";
    /// <summary>A required property that is not set.</summary>
    public const string MissingAttribute = "BT5022";
    /// <summary>A property value of the wrong type.</summary>
    public const string AttributeType = "BT5023";
    /// <summary>A plan that would delete a resource with prevent_destroy.</summary>
    public const string PreventDestroy = "BT5024";
    /// <summary>A provider that failed while planning or refreshing.</summary>
    public const string ProviderFailed = "BT5030";
    /// <summary>A setting of a provider block that its provider refuses (reported at the setting, or at the block when the setting is not written).</summary>
    public const string ProviderSetting = "BT5031";
    /// <summary>A host whose facts could not be gathered (unreachable, refused): its <c>host.facts</c> are the last in state, or unknown.</summary>
    public const string FactsUnavailable = "BT5032";

    // BT51xx–BT59xx — built-in providers. They reference only the SDK, so each declares its codes itself; they are
    // listed here so no code is handed out twice.
    /// <summary>sim: an input of the wrong shape (Baton.Providers.Sim.SimProvider.InvalidInputCode).</summary>
    public const string SimInvalidInput = "BT5101";
    /// <summary>file: a path that leaves the provider's roots (Baton.Providers.File.FileProvider.PathEscapeCode).</summary>
    public const string FilePathEscape = "BT5201";
    /// <summary>file: a mode that is not an octal string such as "0644".</summary>
    public const string FileInvalidMode = "BT5202";
    /// <summary>file: a template that does not render.</summary>
    public const string FileTemplate = "BT5203";
    /// <summary>file: another invalid input.</summary>
    public const string FileInvalidInput = "BT5204";
    /// <summary>process: an invalid input (a shell string for a command, a bad port, …).</summary>
    public const string ProcessInvalidInput = "BT5301";
    /// <summary>process: a command whose program is not on PATH (Baton.Providers.Process.ProcessProvider.CommandNotFoundCode).</summary>
    public const string ProcessCommandNotFound = "BT5302";
    /// <summary>http: an invalid input (a URL that is not http or https, a host not allowed, …).</summary>
    public const string HttpInvalidInput = "BT5401";
    /// <summary>nginx: an invalid input (a port out of range, an empty upstream, …).</summary>
    public const string NginxInvalidInput = "BT5501";
    /// <summary>postgres: an invalid input (a name holding NUL, a bad setting, …).</summary>
    public const string PostgresInvalidInput = "BT5601";
    /// <summary>s3: an invalid input (a bucket name S3 refuses, a key too long, both content and source, …) (Baton.Providers.S3.S3Provider.InvalidInputCode).</summary>
    public const string S3InvalidInput = "BT5701";
    /// <summary>s3: a local file path that leaves the provider's file_root (Baton.Providers.S3.S3Provider.PathEscapeCode).</summary>
    public const string S3PathEscape = "BT5702";
    /// <summary>container: an invalid input (a shell string for a command, a bad mount, a port without container_port, …) (Baton.Providers.Container.ContainerProvider.InvalidInputCode).</summary>
    public const string ContainerInvalidInput = "BT5801";
    /// <summary>container: a host path (bind mount, build context, tarball) outside the provider's roots (Baton.Providers.Container.ContainerProvider.PathEscapeCode).</summary>
    public const string ContainerPathEscape = "BT5802";
    /// <summary>host: an invalid input, or a resource type the provider does not offer (Baton.Providers.Host.HostProvider.InvalidInputCode).</summary>
    public const string HostInvalidInput = "BT5901";
    /// <summary>host: a host name that is not in the inventory (Baton.Providers.Host.HostProvider.UnknownHostCode).</summary>
    public const string HostUnknownHost = "BT5902";
    /// <summary>host: a host.template that does not render (Baton.Providers.Host.HostProvider.TemplateCode).</summary>
    public const string HostTemplate = "BT5903";

    // BT9xxx — commands
    /// <summary>A command that could not go on: the lock is held, the state store refused, a plan file is stale.</summary>
    public const string CommandFailed = "BT9000";
}
