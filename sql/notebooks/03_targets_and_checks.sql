-- %% [markdown]
-- # Chỉ tiêu và đối chiếu danh sách hộ
--
-- Kết quả thực hiện chỉ tiêu giảm nghèo theo năm, và các trường mà danh sách hộ
-- lệch với biểu tổng hợp (bảng `household_check`, chỉ có số đếm, không có tên hộ).
-- %% Kết quả chỉ tiêu theo năm
SELECT year, level, status_vi, count(*) AS so_don_vi
FROM unit_target_year
GROUP BY ALL
ORDER BY year, level, status_vi;
-- %% Lệch giữa danh sách hộ và biểu
SELECT year, field, count(*) AS so_xa, sum(abs(difference)) AS tong_chenh_lech
FROM household_check
WHERE difference <> 0
GROUP BY ALL
ORDER BY year, field;
-- %% Các cột của bảng phân tích
SELECT view_name, column_name, doc
FROM analyst_doc
WHERE view_name IS NULL OR column_name IS NULL
ORDER BY view_name NULLS FIRST, column_name
LIMIT 200;
