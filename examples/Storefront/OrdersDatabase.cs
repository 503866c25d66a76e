using System.Data.Common;

namespace Storefront;

/// <summary>A stand-in for the orders database: some orders hit a lock and time out, as databases do.</summary>
public sealed class OrdersDatabase
{
    public Task<Order?> FindAsync(int id, CancellationToken cancellationToken)
    {
        if (id % 7 == 0)
        {
            throw new OrdersDbException("Timeout expired while executing 'SELECT * FROM orders WHERE id = @id' on Server=orders-db;User Id=storefront;Password=Sup3rS3cret!", isTimeout: true);
        }

        return Task.FromResult(id > 1000 ? null : new Order(id, "shipped"));
    }
}

/// <summary>An order.</summary>
public sealed record Order(int Id, string Status);

/// <summary>What a database driver throws (a <see cref="DbException"/>, like SqlException or NpgsqlException).</summary>
public sealed class OrdersDbException : DbException
{
    public OrdersDbException(string message, bool isTimeout)
        : base(message)
    {
        IsTimeout = isTimeout;
    }

    public OrdersDbException()
    {
    }

    public OrdersDbException(string message)
        : base(message)
    {
    }

    public OrdersDbException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public bool IsTimeout { get; }

    public override bool IsTransient => IsTimeout;
}
