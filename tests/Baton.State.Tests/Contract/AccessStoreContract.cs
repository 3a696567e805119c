using Baton.Access;

namespace Baton.State.Tests.Contract;

/// <summary>
/// What every <see cref="IAccessStore"/> must do: tokens are created once, found by id, listed oldest first and revoked
/// once; the audit log is append-only and read in order. Every store a test opens sees the same data.
/// </summary>
public abstract class AccessStoreContract : IAsyncLifetime
{
    protected static readonly DateTimeOffset T0 = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly List<StateStores> _opened = [];

    protected static CancellationToken Token => CancellationToken.None;

    /// <summary>Opens the stores on this test's database.</summary>
    protected abstract Task<StateStores> OpenStoresAsync();

    /// <summary>Removes this test's database, after every store opened on it was disposed.</summary>
    protected abstract Task DeleteDatabaseAsync();

    protected async Task<IAccessStore> CreateStoreAsync()
    {
        var stores = await OpenStoresAsync();
        _opened.Add(stores);
        return stores.Access;
    }

    /// <summary>Closes a store (and the others opened with it) as a process exiting would.</summary>
    protected Task CloseAsync(IAccessStore store) => _opened.First(s => s.Access == store).DisposeAsync().AsTask();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var stores in _opened)
        {
            await stores.DisposeAsync();
        }

        await DeleteDatabaseAsync();
    }

    protected static ApiTokenRecord TokenRecord(string id, ApiRole role = ApiRole.Viewer, DateTimeOffset? at = null, string? description = "ci") => new()
    {
        Id = id,
        Role = role,
        SecretHash = new string('a', 63) + id[^1],
        Description = description,
        CreatedBy = "token:000000000000 (admin)",
        CreatedAt = at ?? T0,
    };

    protected static AuditRecord Audit(string action, int status, DateTimeOffset at, string? remote = "127.0.0.1") => new()
    {
        At = at,
        Actor = "token:abcdefabcdef (operator)",
        Action = action,
        Status = status,
        Outcome = status < 400 ? "ok" : status is 401 or 403 ? "refused" : "failed",
        Remote = remote,
    };

    [Fact]
    public async Task GetToken_Unknown_IsNull()
    {
        var store = await CreateStoreAsync();

        Assert.Null(await store.GetTokenAsync("000000000000", Token));
        Assert.Empty(await store.ListTokensAsync(Token));
    }

    [Fact]
    public async Task CreateToken_RoundTripsEveryField()
    {
        var store = await CreateStoreAsync();
        var admin = TokenRecord("0123456789ab", ApiRole.Admin, description: "deploys ✓");
        var bare = TokenRecord("0123456789ac", ApiRole.Operator, description: null);

        await store.CreateTokenAsync(admin, Token);
        await store.CreateTokenAsync(bare, Token);

        Assert.Equal(admin, await store.GetTokenAsync(admin.Id, Token));
        Assert.Equal(bare, await store.GetTokenAsync(bare.Id, Token));
    }

    [Fact]
    public async Task CreateToken_DuplicateId_ThrowsAndKeepsTheFirst()
    {
        var store = await CreateStoreAsync();
        var first = TokenRecord("0123456789ab", ApiRole.Viewer);
        await store.CreateTokenAsync(first, Token);

        await Assert.ThrowsAnyAsync<Exception>(() => store.CreateTokenAsync(first with { Role = ApiRole.Admin, SecretHash = new string('b', 64) }, Token));

        Assert.Equal(first, await store.GetTokenAsync(first.Id, Token));
    }

    [Fact]
    public async Task ListTokens_OldestFirst()
    {
        var store = await CreateStoreAsync();
        await store.CreateTokenAsync(TokenRecord("00000000000c", at: T0.AddMinutes(2)), Token);
        await store.CreateTokenAsync(TokenRecord("00000000000a", at: T0), Token);
        await store.CreateTokenAsync(TokenRecord("00000000000b", at: T0.AddMinutes(1)), Token);

        Assert.Equal(["00000000000a", "00000000000b", "00000000000c"], (await store.ListTokensAsync(Token)).Select(t => t.Id));
    }

    [Fact]
    public async Task RevokeToken_Once_SetsRevokedAtAndAgainReturnsFalse()
    {
        var store = await CreateStoreAsync();
        var token = TokenRecord("0123456789ab");
        var other = TokenRecord("0123456789ac");
        await store.CreateTokenAsync(token, Token);
        await store.CreateTokenAsync(other, Token);

        Assert.True(await store.RevokeTokenAsync(token.Id, T0.AddHours(1), Token));
        Assert.False(await store.RevokeTokenAsync(token.Id, T0.AddHours(2), Token));
        Assert.False(await store.RevokeTokenAsync("ffffffffffff", T0, Token));

        Assert.Equal(T0.AddHours(1), (await store.GetTokenAsync(token.Id, Token))!.RevokedAt);
        Assert.Null((await store.GetTokenAsync(other.Id, Token))!.RevokedAt);
        Assert.Equal([token.Id, other.Id], (await store.ListTokensAsync(Token)).Select(t => t.Id));
    }

    [Fact]
    public async Task AppendAudit_ReadInOrderWithIncreasingIdsAfterAnId()
    {
        var store = await CreateStoreAsync();
        var records = new[]
        {
            Audit("POST /api/stacks/app/plans", 201, T0),
            Audit("GET /api/tokens", 403, T0.AddSeconds(1), remote: null),
            Audit("POST /api/stacks/app/plans/p1/apply", 409, T0.AddSeconds(2)),
        };
        var ids = new List<long>();
        foreach (var record in records)
        {
            ids.Add(await store.AppendAuditAsync(record, Token));
        }

        Assert.Equal(ids.Order(), ids);
        Assert.Equal(3, ids.Distinct().Count());
        var all = await store.ReadAuditAsync(0, 100, Token);
        Assert.Equal(records.Zip(ids, (r, id) => r with { Id = id }), all);
        Assert.Equal(ids[1..], (await store.ReadAuditAsync(ids[0], 100, Token)).Select(r => r.Id));
        Assert.Equal([ids[0]], (await store.ReadAuditAsync(0, 1, Token)).Select(r => r.Id));
        Assert.Empty(await store.ReadAuditAsync(ids[2], 100, Token));
    }

    [Fact]
    public async Task Reopen_AfterClose_KeepsTokensAndAudit()
    {
        var store = await CreateStoreAsync();
        var token = TokenRecord("0123456789ab", ApiRole.Operator);
        await store.CreateTokenAsync(token, Token);
        var id = await store.AppendAuditAsync(Audit("DELETE /api/tokens/x", 404, T0), Token);
        await CloseAsync(store);

        var reopened = await CreateStoreAsync();
        Assert.Equal(token, await reopened.GetTokenAsync(token.Id, Token));
        Assert.Equal([id], (await reopened.ReadAuditAsync(0, 10, Token)).Select(r => r.Id));
        Assert.True(await reopened.AppendAuditAsync(Audit("POST /x", 200, T0), Token) > id);
    }

    protected static WebhookDelivery Delivery(string signature, DateTimeOffset at) => new()
    {
        Signature = signature,
        Stack = "web",
        Workflow = "hook",
        ReceivedAt = at,
        ExpiresAt = at.AddMinutes(5),
    };

    [Fact]
    public async Task RecordWebhookDelivery_TheSameSignatureTwice_IsRefusedTheSecondTime_AlsoAfterReopening()
    {
        var store = await CreateStoreAsync();

        Assert.True(await store.RecordWebhookDeliveryAsync(Delivery("aa01", T0), Token));
        Assert.False(await store.RecordWebhookDeliveryAsync(Delivery("aa01", T0.AddSeconds(1)), Token));
        Assert.True(await store.RecordWebhookDeliveryAsync(Delivery("bb02", T0.AddSeconds(1)), Token));
        await CloseAsync(store);

        var reopened = await CreateStoreAsync();
        Assert.False(await reopened.RecordWebhookDeliveryAsync(Delivery("aa01", T0.AddMinutes(4)), Token));
        Assert.False(await reopened.RecordWebhookDeliveryAsync(Delivery("bb02", T0.AddMinutes(5)), Token));
    }

    [Fact]
    public async Task RecordWebhookDelivery_AfterTheSignatureExpired_IsForgottenAndTakenAgain()
    {
        var store = await CreateStoreAsync();
        Assert.True(await store.RecordWebhookDeliveryAsync(Delivery("aa01", T0), Token));

        // Still remembered at the last moment its signature is in time; forgotten just after.
        Assert.False(await store.RecordWebhookDeliveryAsync(Delivery("aa01", T0.AddMinutes(5)), Token));
        Assert.True(await store.RecordWebhookDeliveryAsync(Delivery("aa01", T0.AddMinutes(5).AddSeconds(1)), Token));
        Assert.False(await store.RecordWebhookDeliveryAsync(Delivery("aa01", T0.AddMinutes(6)), Token));
    }

    [Fact]
    public async Task RecordWebhookDelivery_ManyAtOnceFromTwoStores_TakesEachSignatureExactlyOnce()
    {
        var first = await CreateStoreAsync();
        var second = await CreateStoreAsync();
        var signatures = Enumerable.Range(0, 20).Select(i => $"{i:x4}").ToList();

        var taken = await Task.WhenAll(signatures.SelectMany(s => new[] { first, second, first }.Select(store => store.RecordWebhookDeliveryAsync(Delivery(s, T0), Token))));

        Assert.Equal(signatures.Count, taken.Count(t => t));
    }
}
