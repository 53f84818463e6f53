"""Data access for the orders service: sqlite3, psycopg2 and the Django ORM."""
from django.db.models.expressions import RawSQL
from psycopg2 import sql

from shop.models import Customer


def find_user(conn, email):
    cur = conn.cursor()
    # ruleid: py-sql-string-formatting
    cur.execute(f"SELECT id, name FROM users WHERE email = '{email}'")
    return cur.fetchone()


def orders_since(conn, customer_id, since):
    query = "SELECT id, total FROM orders WHERE customer_id = %s AND created_at > '%s'" % (customer_id, since)
    with conn.cursor() as cur:
        # ruleid: py-sql-string-formatting
        cur.execute(query)
        return cur.fetchall()


def delete_order(conn, order_id):
    # ruleid: py-sql-string-formatting
    conn.execute("DELETE FROM orders WHERE id = " + order_id)


def customers_named(last_name):
    # ruleid: py-sql-string-formatting
    return Customer.objects.raw("SELECT * FROM shop_customer WHERE last_name = '{}'".format(last_name))


def customers_in_city(city):
    # ruleid: py-sql-string-formatting
    return Customer.objects.extra(where=[f"city = '{city}'"])


def find_user_safely(conn, email):
    cur = conn.cursor()
    # ok: py-sql-string-formatting
    cur.execute("SELECT id, name FROM users WHERE email = ?", (email,))
    return cur.fetchone()


def orders_since_safely(conn, customer_id, since):
    query = (
        "SELECT id, total FROM orders "
        + "WHERE customer_id = %s AND created_at > %s"
    )
    with conn.cursor() as cur:
        # ok: py-sql-string-formatting
        cur.execute(query, (customer_id, since))
        return cur.fetchall()


def count_rows(conn, table):
    with conn.cursor() as cur:
        # ok: py-sql-string-formatting
        cur.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table)))
        return cur.fetchone()[0]


def customers_ranked(min_score):
    # ok: py-sql-string-formatting
    return Customer.objects.annotate(score=RawSQL("SELECT score FROM shop_rank WHERE customer_id = shop_customer.id AND score > %s", (min_score,)))
