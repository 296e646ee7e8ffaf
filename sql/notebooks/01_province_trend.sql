-- %% [markdown]
-- # Tỷ lệ hộ nghèo cấp tỉnh qua các năm
--
-- Mỗi chuẩn nghèo một chuỗi; chỉ số liệu **được tính** (giai đoạn cao nhất của năm).
-- Năm gốc của một chuẩn mới không so sánh được với năm trước.
-- %% Tỷ lệ hộ nghèo, cận nghèo theo năm
SELECT year, standard, stage, poor_rate, near_poor_rate, reduction_pp, comparable
FROM province_year
WHERE counted
ORDER BY standard, year;
