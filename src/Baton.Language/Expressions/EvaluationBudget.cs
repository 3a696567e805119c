namespace Baton.Expressions;

/// <summary>
/// What one evaluation may spend on <c>file()</c>, <c>template()</c> and <c>%{ for }</c> loops, shared by the templates
/// it renders in turn: the depth limit alone lets a template that includes itself ten times a line render ten to the
/// eighth copies, and two nested loops over <c>range(100000)</c> would run ten to the tenth times, so calls, characters
/// (read and rendered) and loop iterations are counted across the whole evaluation too. Once spent, the first call or
/// loop over says so and later ones fail quietly, so one runaway template is one diagnostic.
/// </summary>
internal sealed class EvaluationBudget
{
    /// <summary>The most <c>file()</c> and <c>template()</c> calls one evaluation makes.</summary>
    public const int MaxCalls = 10_000;

    /// <summary>The most characters one evaluation reads and renders through them: 32 Mi.</summary>
    public const long MaxChars = 32L * 1024 * 1024;

    /// <summary>The most times the bodies of <c>%{ for }</c> directives are rendered in one evaluation.</summary>
    public const long MaxIterations = 1_000_000;

    private int _calls;
    private long _chars;
    private long _iterations;
    private long _loopChars;

    /// <summary>Whether the budget ran out (and that was reported).</summary>
    public bool IsSpent { get; private set; }

    /// <summary>Spends one call; null when allowed, else why not (once; then the empty string).</summary>
    public string? SpendCall() => IsSpent || ++_calls > MaxCalls ? Spent($"more than {MaxCalls:N0} file() and template() calls in one expression") : null;

    /// <summary>Spends <paramref name="chars"/> characters; null when allowed, else why not (once; then the empty string).</summary>
    public string? SpendChars(long chars) =>
        IsSpent || (_chars += chars) > MaxChars ? Spent($"more than {MaxChars / (1024 * 1024)} Mi characters read and rendered by file() and template() in one expression") : null;

    /// <summary>Spends one iteration of a <c>%{ for }</c> loop that rendered <paramref name="chars"/> characters; null when allowed, else why not (once; then the empty string).</summary>
    public string? SpendIteration(long chars) =>
        IsSpent ? string.Empty
        : ++_iterations > MaxIterations ? Spent($"more than {MaxIterations:N0} iterations of %{{ for }} in one expression")
        : (_loopChars += chars) > MaxChars ? Spent($"more than {MaxChars / (1024 * 1024)} Mi characters rendered by %{{ for }} in one expression")
        : null;

    /// <summary>Ends the budget for a reason of the caller's (a template nested too deeply): reported once, like running out.</summary>
    public string Stop(string why) => Spent(why);

    private string Spent(string why)
    {
        if (IsSpent)
        {
            return string.Empty;
        }

        IsSpent = true;
        return why;
    }
}
