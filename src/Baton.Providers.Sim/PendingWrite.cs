using Microsoft.Data.Sqlite;

namespace Baton.Providers.Sim;

/// <summary>A write waiting for the world's next group commit.</summary>
internal interface IPendingWrite
{
    void Run(SqliteTransaction transaction);

    void Complete();

    void Fail(Exception exception);
}

/// <summary>A write waiting for the world's next group commit, with its result.</summary>
internal sealed class PendingWrite<T>(Func<SqliteTransaction, T> work) : IPendingWrite
{
    private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private T? _result;

    public Task<T> Task => _completion.Task;

    public void Run(SqliteTransaction transaction) => _result = work(transaction);

    public void Complete() => _completion.TrySetResult(_result!);

    public void Fail(Exception exception) => _completion.TrySetException(exception);
}
