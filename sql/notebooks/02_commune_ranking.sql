-- %% [markdown]
-- # Xã có tỷ lệ hộ nghèo cao nhất
--
-- Năm gần nhất có số liệu, số liệu được tính. Đổi `LIMIT` để xem thêm.
-- %% Năm gần nhất
SELECT max(year) AS nam_gan_nhat, count(DISTINCT unit_code) AS so_xa
FROM commune_year
WHERE counted;
-- %% 20 xã tỷ lệ hộ nghèo cao nhất
SELECT unit_code, unit_name, district_name, total_households, poor_end, poor_rate, near_poor_rate
FROM commune_year
WHERE counted AND year = (SELECT max(year) FROM commune_year WHERE counted)
ORDER BY poor_rate DESC NULLS LAST, unit_code
LIMIT 20;
-- %% [markdown]
-- Phân bố tỷ lệ hộ nghèo của các xã (nhóm 5 điểm phần trăm):
-- %% Phân bố
SELECT (floor(poor_rate / 5) * 5)::INTEGER AS tu_phan_tram, count(*) AS so_xa
FROM commune_year
WHERE counted AND year = (SELECT max(year) FROM commune_year WHERE counted) AND poor_rate IS NOT NULL
GROUP BY 1
ORDER BY 1;
