using Npgsql;

namespace Shop;

/// <summary>A product as /products lists it.</summary>
internal sealed record Product(int Id, string Name, long PriceCents);

/// <summary>
/// The product catalogue in PostgreSQL. The table is created and seeded on first use, under an advisory lock so
/// replicas starting together do not race each other.
/// </summary>
internal sealed class Catalog(ShopSettings settings) : IAsyncDisposable
{
    private const long SchemaLock = 0x5_4A0_0001;
    private readonly NpgsqlDataSource? _dataSource = settings.Database is { } database ? NpgsqlDataSource.Create(database) : null;
    private readonly SemaphoreSlim _schemaGate = new(1, 1);
    private bool _schemaReady;

    public async Task<Product[]> ListAsync(CancellationToken cancellationToken)
    {
        var dataSource = _dataSource ?? throw new InvalidOperationException("SHOP_DATABASE is not set");
        await EnsureSchemaAsync(dataSource, cancellationToken);
        await using var command = dataSource.CreateCommand("SELECT id, name, price_cents FROM products ORDER BY id");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var products = new List<Product>();
        while (await reader.ReadAsync(cancellationToken))
        {
            products.Add(new Product(reader.GetInt32(0), reader.GetString(1), reader.GetInt64(2)));
        }

        return [.. products];
    }

    public async ValueTask DisposeAsync()
    {
        if (_dataSource is not null)
        {
            await _dataSource.DisposeAsync();
        }

        _schemaGate.Dispose();
    }

    private async Task EnsureSchemaAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _schemaReady))
        {
            return;
        }

        await _schemaGate.WaitAsync(cancellationToken);
        try
        {
            if (_schemaReady)
            {
                return;
            }

            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock($1)", connection, transaction))
            {
                lockCommand.Parameters.Add(new NpgsqlParameter { Value = SchemaLock });
                await lockCommand.ExecuteNonQueryAsync(cancellationToken);
            }

            await using (var create = new NpgsqlCommand(
                """
                CREATE TABLE IF NOT EXISTS products (id int PRIMARY KEY, name text NOT NULL, price_cents bigint NOT NULL);
                INSERT INTO products (id, name, price_cents) VALUES
                  (1, 'Conductor''s baton', 2499), (2, 'Metronome', 3900), (3, 'Music stand', 5450), (4, 'Tuning fork — A440', 1200)
                ON CONFLICT (id) DO NOTHING;
                """, connection, transaction))
            {
                await create.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
            Volatile.Write(ref _schemaReady, true);
        }
        finally
        {
            _schemaGate.Release();
        }
    }
}
