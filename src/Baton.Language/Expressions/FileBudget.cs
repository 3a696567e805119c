namespace Baton.Expressions;

/// <summary>
/// What one evaluation may spend on <c>file()</c> and <c>template()</c>, shared by the templates it renders in turn:
/// the depth limit alone lets a template that includes itself ten times a line render ten to the eighth copies, so
/// calls and characters (read and rendered) are counted across the whole evaluation too. Once spent, the first call
/// over says so and later ones fail quietly, so one runaway template is one diagnostic.
/// </summary>
internal sealed class FileBudget
{
    /// <summary>The most <c>file()</c> and <c>template()</c> calls one evaluation makes.</summary>
    public const int MaxCalls = 10_000;

    /// <summary>The most characters one evaluation reads and renders through them: 32 Mi.</summary>
    public const long MaxChars = 32L * 1024 * 1024;

    private int _calls;
    private long _chars;

    /// <summary>Whether the budget ran out (and that was reported).</summary>
    public bool IsSpent { get; private set; }

    /// <summary>Spends one call; null when allowed, else why not (once; then the empty string).</summary>
    public string? SpendCall() => IsSpent || ++_calls > MaxCalls ? Spent($"more than {MaxCalls:N0} file() and template() calls in one expression") : null;

    /// <summary>Spends <paramref name="chars"/> characters; null when allowed, else why not (once; then the empty string).</summary>
    public string? SpendChars(long chars) =>
        IsSpent || (_chars += chars) > MaxChars ? Spent($"more than {MaxChars / (1024 * 1024)} Mi characters read and rendered by file() and template() in one expression") : null;

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
