namespace Baton.Server.Stacks;

/// <summary>What a control action gives: a value, or an HTTP-style status and the reason it was refused.</summary>
/// <typeparam name="T">The value's type.</typeparam>
internal readonly record struct ActionResult<T>(T? Value, int Status, string? Error)
{
    public bool Ok => Error is null;

    public static ActionResult<T> Success(T value, int status = 200) => new(value, status, null);

    public static ActionResult<T> Refused(int status, string error) => new(default, status, error);
}
